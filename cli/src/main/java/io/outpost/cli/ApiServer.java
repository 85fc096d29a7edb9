package io.outpost.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.util.NetUtil;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.KubernetesApi;
import io.outpost.apiserver.auth.Authorizer;
import io.outpost.apiserver.catalog.ResourceCatalog;
import io.outpost.apiserver.crd.CrdController;
import io.outpost.apiserver.crd.CrdSchemas;
import io.outpost.apiserver.crd.CrdValidation;
import io.outpost.apiserver.crd.StructuralSchemas;
import io.outpost.apiserver.auth.BootstrapRolesAuthorizer;
import io.outpost.apiserver.auth.BootstrapTokens;
import io.outpost.apiserver.auth.BootstrapperAuthorizer;
import io.outpost.apiserver.auth.NodeAuthorizer;
import io.outpost.apiserver.certificates.CaCertsHandler;
import io.outpost.apiserver.pki.Pem;
import io.outpost.apiserver.auth.RequestAuthenticator;
import io.outpost.apiserver.auth.SelfSubjectReviews;
import io.outpost.apiserver.auth.SystemMastersAuthorizer;
import io.outpost.apiserver.auth.TokenAuthenticator;
import io.outpost.apiserver.auth.TokenFile;
import io.outpost.apiserver.serviceaccount.BoundTokens;
import io.outpost.apiserver.serviceaccount.OidcDiscovery;
import io.outpost.apiserver.serviceaccount.ServiceAccountAuthenticator;
import io.outpost.apiserver.serviceaccount.ServiceAccountKey;
import io.outpost.apiserver.serviceaccount.TokenIssuer;
import io.outpost.apiserver.serviceaccount.TokenRequests;
import io.outpost.apiserver.serviceaccount.TokenVerifier;
import io.outpost.apiserver.auth.UnionAuthorizer;
import io.outpost.apiserver.auth.X509Authenticator;
import io.outpost.apiserver.health.HealthCheck;
import io.outpost.apiserver.health.HealthHandler;
import io.outpost.apiserver.health.VersionHandler;
import io.outpost.apiserver.http.HttpsServer;
import io.outpost.apiserver.http.HttpsServerConfig;
import io.outpost.apiserver.http.Router;
import io.outpost.apiserver.openapi.OpenApiV2Handler;
import io.outpost.apiserver.openapi.OpenApiV3Handler;
import io.outpost.apiserver.pki.AdminKubeconfig;
import io.outpost.apiserver.pki.ClusterPki;
import io.outpost.apiserver.pki.SubjectAltName;
import io.outpost.apiserver.registry.Registry;
import io.outpost.apiserver.registry.RegistryConfig;
import io.outpost.apiserver.tunnel.TunnelAuthorizer;
import io.outpost.apiserver.tunnel.TunnelConfig;
import io.outpost.apiserver.tunnel.TunnelEndpoint;
import io.outpost.apiserver.tunnel.TunnelMetrics;
import io.outpost.apiserver.validation.Strategies;
import io.outpost.store.KvStore;

/**
 * The API server of {@code outpost server}: its certificates, authentication, authorization and
 * routes, served over HTTPS; writes the admin kubeconfig once it listens. Discovery and the
 * registry mount their handlers in {@link #routes}.
 *
 * <p>Thread model: started and closed by the {@link Server}'s lifecycle (one thread at a time).
 */
final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final HttpsServer https;
    private final ClusterPki pki;
    private final ServerConfig config;
    private final Registry registry;
    private final CrdController crds;
    private final TunnelMetrics tunnelMetrics;

    private ApiServer(ServerConfig config, ClusterPki pki, HttpsServer https, Registry registry, CrdController crds,
                      TunnelMetrics tunnelMetrics) {
        this.config = config;
        this.pki = pki;
        this.https = https;
        this.registry = registry;
        this.crds = crds;
        this.tunnelMetrics = tunnelMetrics;
    }

    /**
     * Makes or loads the certificates, starts listening and writes the admin kubeconfig.
     *
     * @throws StartupFailure naming the flag or file and the fix
     */
    static ApiServer start(ServerConfig config, KvStore store, Clock clock) {
        ClusterPki pki;
        try {
            List<SubjectAltName> extra = new ArrayList<>(config.tlsSans());
            if (!config.bindAddress().isAnyLocalAddress()) {
                extra.add(SubjectAltName.ip(config.bindAddress()));
            }
            pki = ClusterPki.loadOrCreate(config.dataDir().resolve("tls"), ClusterPki.servingNames(hostname(), extra), clock);
        } catch (IOException e) {
            throw new StartupFailure("cannot set up the certificates in " + config.dataDir().resolve("tls") + ": "
                    + DataDir.describe(e), e);
        }
        TokenFile tokens;
        try {
            tokens = config.tokenAuthFile().map(TokenFile::load).orElse(TokenFile.empty());
        } catch (TokenFile.Invalid e) {
            throw new StartupFailure("--token-auth-file: " + e.getMessage(), e);
        }
        ResourceTypes types = ResourceTypes.builtIns();
        // Custom resources come and go with their CustomResourceDefinitions: every consumer reads the catalog.
        // The server runs a garbage collector (Server's controllers): deletes with Foreground or
        // Orphan propagation leave its finalizers for it. It runs the namespace controller too:
        // a deleted namespace waits for it, as in kube; and the service-account controller, so pods
        // go through the ServiceAccount admission (their service account must exist; its token is mounted).
        ResourceCatalog catalog = new ResourceCatalog(types);
        CrdSchemas schemas = new StructuralSchemas();
        // Events expire --event-ttl after their latest write, as kube's event registry makes them.
        Registry registry = new Registry(RegistryConfig.defaults(store, types.all()).withGarbageCollector(true)
                .withNamespaceController(true).withServiceAccounts(true).withEventTtl(config.eventTtl()), catalog,
                Strategies.builtIns().withMore(CrdValidation.forKind(schemas)));
        registry.start();
        CrdController crds = new CrdController(store, catalog, CrdValidation.resource(types), schemas, clock);
        crds.sync(); // established CRDs are served from the first request after a restart
        // Nodes (system:node:<name>) get the node authorizer's rules and join tokens the
        // node-bootstrapper role's; both read the registry's watch caches, never the store, per request.
        Authorizer authorizer = new UnionAuthorizer(List.of(new SystemMastersAuthorizer(),
                new NodeAuthorizer(registry.objects(), types.lookup("", "v1", "pods").orElseThrow()),
                new BootstrapperAuthorizer(), new BootstrapRolesAuthorizer(), new TunnelAuthorizer()));
        BootstrapTokens bootstrapTokens = new BootstrapTokens(registry.objects(), types.lookup("", "v1", "secrets").orElseThrow(), clock);
        BoundTokens serviceAccountTokens = serviceAccountTokens(config, registry, types, clock);
        TokenAuthenticator serviceAccounts = new ServiceAccountAuthenticator(new TokenVerifier(serviceAccountTokens.issuer(), clock),
                registry.objects(), tokenResources(types), clock);
        TunnelMetrics tunnelMetrics = new TunnelMetrics();
        // The tunnel mints the tokens of the pods' projected volumes for their nodes (kubelet's TokenRequests).
        TunnelEndpoint tunnel = new TunnelEndpoint(TunnelConfig.defaults(store, registry, types, tunnelMetrics)
                .withTokens(serviceAccountTokens));
        HttpsServer https = new HttpsServer(new HttpsServerConfig(config.bindAddress(), config.port(),
                pki.serving().key(), List.of(pki.serving().certificate()), List.of(pki.ca().certificate()),
                new RequestAuthenticator(new X509Authenticator(pki.ca().certificate(), clock), List.of(tokens, bootstrapTokens, serviceAccounts)),
                authorizer, routes(store, authorizer, catalog, registry, caBundle(pki), tunnel, serviceAccountTokens),
                HttpsServerConfig.DEFAULT_MAX_BODY_BYTES));
        try {
            https.start();
        } catch (BindException e) {
            throw new StartupFailure("--port " + config.port() + " / --bind-address " + NetUtil.toAddressString(config.bindAddress())
                    + ": cannot listen there (" + e.getMessage() + "). Fix: stop the process that uses the port"
                    + " (ss -ltnp 'sport = :" + config.port() + "'), pass another --port, or a --bind-address of this host", e);
        } catch (IOException e) {
            throw new StartupFailure("cannot listen on " + NetUtil.toAddressString(config.bindAddress()) + ":" + config.port()
                    + ": " + e.getMessage(), e);
        }
        crds.start(); // only once listening: a failed start leaves no controller thread behind
        ApiServer api = new ApiServer(config, pki, https, registry, crds, tunnelMetrics);
        api.writeKubeconfig();
        return api;
    }

    /**
     * The service-account token issuer over the signing key in {@code DATA/tls/service.key} (made on
     * the first start, kept across restarts as k3s keeps its {@code server/tls/service.key}).
     */
    private static BoundTokens serviceAccountTokens(ServerConfig config, Registry registry, ResourceTypes types, Clock clock) {
        ServiceAccountKey key;
        try {
            key = ServiceAccountKey.loadOrCreate(config.dataDir().resolve("tls"));
        } catch (IOException e) {
            throw new StartupFailure("cannot set up the service-account signing key in " + config.dataDir().resolve("tls") + ": "
                    + DataDir.describe(e), e);
        }
        return new BoundTokens(new TokenIssuer(key), registry.objects(), tokenResources(types), clock);
    }

    private static ServiceAccountAuthenticator.Resources tokenResources(ResourceTypes types) {
        return new ServiceAccountAuthenticator.Resources(types.lookup("", "v1", "serviceaccounts").orElseThrow(),
                types.lookup("", "v1", "pods").orElseThrow(), types.lookup("", "v1", "secrets").orElseThrow(),
                types.lookup("", "v1", "nodes").orElseThrow());
    }

    /** Every handler of the API, by path. */
    private static Router routes(KvStore store, Authorizer authorizer, ResourceCatalog catalog, Registry registry,
                                 String caBundle, TunnelEndpoint tunnel, BoundTokens serviceAccountTokens) {
        Router.Builder routes = Router.builder();
        routes.exact(CaCertsHandler.PATH, new CaCertsHandler(caBundle));
        // kube's readiness check of etcd is a read; so is ours.
        new HealthHandler(List.of(new HealthCheck("datastore", () -> {
            store.get("/registry/health");
            return true;
        }))).mountOn(routes);
        routes.exact("/version", new VersionHandler(Version.outpost(), "", ""));
        new SelfSubjectReviews(authorizer).mountOn(routes);
        new KubernetesApi(catalog, registry, Clock.systemUTC(),
                Map.of(TokenRequests.SUBRESOURCE, new TokenRequests(serviceAccountTokens))).mountOn(routes);
        // Service-account issuer discovery: every service account may read it (BootstrapRolesAuthorizer).
        new OidcDiscovery(serviceAccountTokens.issuer()).mountOn(routes);
        // Every authenticated user may read them (BootstrapRolesAuthorizer's system:discovery).
        new OpenApiV3Handler(catalog).mountOn(routes);
        new OpenApiV2Handler().mountOn(routes);
        // The edge nodes' tunnels (WebSocket, node certificates only) and their counters on /metrics.
        tunnel.mountOn(routes);
        return routes.build();
    }

    /** The CA bundle {@code /cacerts} answers and join tokens pin by hash: the CA certificate's PEM. */
    static String caBundle(ClusterPki pki) {
        return Pem.of(pki.ca().certificate());
    }

    ClusterPki pki() {
        return pki;
    }

    private void writeKubeconfig() {
        URI server = URI.create("https://" + urlHost(config.bindAddress()) + ":" + https.port());
        try {
            AdminKubeconfig.write(config.adminKubeconfig(), server, pki);
        } catch (IOException e) {
            throw new StartupFailure("cannot write " + config.adminKubeconfig() + ": " + DataDir.describe(e), e);
        }
        LOG.info("API server at {}; admin credentials in {}", server, config.adminKubeconfig());
        LOG.info("to use it: export KUBECONFIG={}; kubectl get --raw /readyz", config.adminKubeconfig());
    }

    /** The host of the kubeconfig's URL: the bind address, or loopback when it binds every address. */
    static String urlHost(InetAddress bind) {
        InetAddress host = bind.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bind;
        String text = NetUtil.toAddressString(host);
        return host instanceof Inet6Address ? "[" + text + "]" : text;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "");
        }
    }

    int port() {
        return https.port();
    }

    TunnelMetrics tunnelMetrics() {
        return tunnelMetrics;
    }

    @Override
    public void close() {
        https.close();
        crds.close();
        registry.close(); // ends open watches and stops the watch caches' dispatchers
    }
}
