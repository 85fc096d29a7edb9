package io.outpost.agent.bootstrap;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import io.outpost.agent.json.AgentJson;
import io.outpost.tunnel.JsonTree;

/**
 * Submits a node's CertificateSigningRequest and waits until it is signed, denied or failed, as
 * client-go's {@code csr.RequestCertificate} and {@code WaitForCertificate} do (by polling the
 * object rather than watching it: one GET every {@code pollInterval} is cheap and survives a
 * proxy that cuts long requests).
 *
 * <p>HTTPS on {@link HttpsCalls} (the JDK's {@code HttpsURLConnection}), never java.net.http: a
 * renewal is a path the agent takes, and a class once loaded stays loaded.
 *
 * <p>Thread model: one caller at a time per instance (the bootstrap, or the rotator's thread);
 * blocks that thread while it waits.
 */
final class CsrClient implements AutoCloseable {

    static final String SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
    private static final String PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final BootstrapConfig config;
    private final HttpsCalls http;
    private final Optional<String> bearer;

    /**
     * @param tls    trusts the cluster CA; presents the node's certificate when renewing
     * @param bearer the bootstrap token, when joining; empty when the certificate authenticates
     */
    CsrClient(BootstrapConfig config, SSLContext tls, Optional<String> bearer) {
        this.config = config;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "outpost-agent (bootstrap)");
        bearer.ifPresent(t -> headers.put("Authorization", "Bearer " + t));
        this.http = new HttpsCalls(tls, REQUEST_TIMEOUT, headers);
        this.bearer = bearer;
    }

    /** Submits a request for a new certificate of {@code keys} and returns the signed chain. */
    List<X509Certificate> requestCertificate(KeyPair keys) throws BootstrapException, InterruptedException {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("request", Base64.getEncoder().encodeToString(
                NodeCertificates.request(config.nodeName(), keys).getBytes(StandardCharsets.US_ASCII)));
        spec.put("signerName", SIGNER);
        // kubelet's usages for an ECDSA key (no key encipherment: that is for RSA key exchange).
        spec.put("usages", List.of("digital signature", "client auth"));
        config.requestedDuration().ifPresent(d -> spec.put("expirationSeconds", d.toSeconds()));
        Map<String, Object> csr = new LinkedHashMap<>();
        csr.put("apiVersion", "certificates.k8s.io/v1");
        csr.put("kind", "CertificateSigningRequest");
        csr.put("metadata", Map.of("generateName", "node-csr-"));
        csr.put("spec", spec);
        String what = "submit the certificate request";
        HttpsCalls.Response created;
        try {
            created = http.post(uri(PATH), AgentJson.encode(csr));
        } catch (IOException e) {
            throw unreachable(config.server(), what, e);
        }
        if (created.status() != 201 && created.status() != 200) {
            throw refused(created, what);
        }
        String name = json(created).path("metadata").path("name").text();
        return await(name);
    }

    private List<X509Certificate> await(String name) throws BootstrapException, InterruptedException {
        // The wait is for a real server on real time, not the config's clock (which may be a test's fake).
        long deadline = System.nanoTime() + config.approvalTimeout().toNanos();
        while (true) {
            String what = "read the certificate request " + name;
            HttpsCalls.Response got;
            try {
                got = http.get(uri(PATH + "/" + name));
            } catch (IOException e) {
                throw unreachable(config.server(), what, e);
            }
            if (got.status() != 200) {
                throw refused(got, what);
            }
            JsonTree status = json(got).path("status");
            for (JsonTree c : status.path("conditions").elements()) {
                String type = c.path("type").text();
                String conditionStatus = c.path("status").text();
                if ((type.equals("Denied") || type.equals("Failed")) && (conditionStatus.isEmpty() || conditionStatus.equals("True"))) {
                    throw new BootstrapException("the certificate request " + name + " was " + type.toLowerCase() + " ("
                            + c.path("reason").text() + ": " + c.path("message").text() + "); see 'kubectl describe csr "
                            + name + "' on the server");
                }
            }
            String cert = status.path("certificate").text();
            if (!cert.isEmpty()) {
                try {
                    return Pems.certificates(new String(Base64.getDecoder().decode(cert), StandardCharsets.US_ASCII));
                } catch (IOException | IllegalArgumentException e) {
                    throw new BootstrapException("the certificate request " + name + " holds a certificate that cannot be read: "
                            + e.getMessage(), e);
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new BootstrapException("the certificate request " + name + " was not signed within " + config.approvalTimeout()
                        + ": approve it on the server with 'kubectl certificate approve " + name + "' (node CSRs from a join"
                        + " token are approved by the server's csrapproving controller when it runs)");
            }
            Thread.sleep(config.pollInterval());
        }
    }

    /** Nothing to stop: the JDK's keep-alive cache closes an idle connection after a few seconds. */
    @Override
    public void close() {
    }

    /** A response's body as plain values (maps, lists, scalars): the agent's JSON, no databind. */
    private static JsonTree json(HttpsCalls.Response response) {
        return JsonTree.ofPlain(AgentJson.plain(response.text().getBytes(StandardCharsets.UTF_8)));
    }

    private URI uri(String path) {
        String base = config.server().toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    static BootstrapException unreachable(URI server, String what, IOException e) {
        if (e instanceof SSLException) {
            return new BootstrapException("cannot " + what + ": the TLS handshake with --server " + server + " failed (" + e.getMessage()
                    + "); check that the server's certificate names the host in --server (outpost server --tls-san HOST)", e);
        }
        String why = e instanceof ConnectException ? "connection refused or unreachable" : String.valueOf(e.getMessage());
        return new BootstrapException("cannot " + what + " at --server " + server + ": " + why
                + "; check the address and port, and that 'outpost server' runs there", e);
    }

    private BootstrapException refused(HttpsCalls.Response response, String what) {
        String message = "";
        try {
            message = json(response).path("message").text();
        } catch (RuntimeException e) {
            message = response.text();
        }
        return switch (response.status()) {
            case 401 -> new BootstrapException("cannot " + what + ": the server does not accept the "
                    + (bearer.isPresent() ? "--token (it is unknown, expired or deleted; make a new one with 'outpost token create'"
                            + " on the server)" : "node certificate (it expired or is not from this cluster's CA; remove "
                            + config.pkiDir() + " and join again with --token)"));
            case 403 -> new BootstrapException("cannot " + what + ": forbidden (" + message + ")");
            default -> new BootstrapException("cannot " + what + ": the server answered " + response.status() + " (" + message + ")");
        };
    }
}
