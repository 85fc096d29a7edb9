package io.outpost.agent.bootstrap;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Submits a node's CertificateSigningRequest and waits until it is signed, denied or failed, as
 * client-go's {@code csr.RequestCertificate} and {@code WaitForCertificate} do (by polling the
 * object rather than watching it: one GET every {@code pollInterval} is cheap and survives a
 * proxy that cuts long requests).
 *
 * <p>Thread model: one caller at a time per instance (the bootstrap, or the rotator's thread);
 * blocks that thread while it waits.
 */
final class CsrClient implements AutoCloseable {

    static final String SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
    private static final String PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final BootstrapConfig config;
    private final HttpClient http;
    private final Optional<String> bearer;

    /**
     * @param tls    trusts the cluster CA; presents the node's certificate when renewing
     * @param bearer the bootstrap token, when joining; empty when the certificate authenticates
     */
    CsrClient(BootstrapConfig config, SSLContext tls, Optional<String> bearer) {
        this.config = config;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(REQUEST_TIMEOUT).build();
        this.bearer = bearer;
    }

    /** Submits a request for a new certificate of {@code keys} and returns the signed chain. */
    List<X509Certificate> requestCertificate(KeyPair keys) throws BootstrapException, InterruptedException {
        ObjectNode csr = JSON.createObjectNode();
        csr.put("apiVersion", "certificates.k8s.io/v1").put("kind", "CertificateSigningRequest");
        csr.putObject("metadata").put("generateName", "node-csr-");
        ObjectNode spec = csr.putObject("spec");
        spec.put("request", Base64.getEncoder().encodeToString(
                NodeCertificates.request(config.nodeName(), keys).getBytes(StandardCharsets.US_ASCII)));
        spec.put("signerName", SIGNER);
        // kubelet's usages for an ECDSA key (no key encipherment: that is for RSA key exchange).
        spec.putArray("usages").add("digital signature").add("client auth");
        config.requestedDuration().ifPresent(d -> spec.put("expirationSeconds", d.toSeconds()));
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri(PATH))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(csr))), "submit the certificate request");
        if (created.statusCode() != 201 && created.statusCode() != 200) {
            throw refused(created, "submit the certificate request");
        }
        String name = JSON.readTree(created.body()).path("metadata").path("name").asString("");
        return await(name);
    }

    private List<X509Certificate> await(String name) throws BootstrapException, InterruptedException {
        // The wait is for a real server on real time, not the config's clock (which may be a test's fake).
        long deadline = System.nanoTime() + config.approvalTimeout().toNanos();
        while (true) {
            HttpResponse<String> got = send(HttpRequest.newBuilder(uri(PATH + "/" + name)).GET(), "read the certificate request " + name);
            if (got.statusCode() != 200) {
                throw refused(got, "read the certificate request " + name);
            }
            JsonNode status = JSON.readTree(got.body()).path("status");
            for (JsonNode c : status.path("conditions")) {
                String type = c.path("type").asString("");
                if ((type.equals("Denied") || type.equals("Failed")) && c.path("status").asString("True").equals("True")) {
                    throw new BootstrapException("the certificate request " + name + " was " + type.toLowerCase() + " ("
                            + c.path("reason").asString("") + ": " + c.path("message").asString("") + "); see 'kubectl describe csr "
                            + name + "' on the server");
                }
            }
            String cert = status.path("certificate").asString("");
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

    /** Stops the HTTP client's threads. */
    @Override
    public void close() {
        http.close();
    }

    private URI uri(String path) {
        String base = config.server().toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String what) throws BootstrapException, InterruptedException {
        request.timeout(REQUEST_TIMEOUT).header("Accept", "application/json").header("Content-Type", "application/json")
                .header("User-Agent", "outpost-agent (bootstrap)");
        bearer.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(config.server(), what, e);
        }
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

    private BootstrapException refused(HttpResponse<String> response, String what) {
        String message = "";
        try {
            message = JSON.readTree(response.body()).path("message").asString("");
        } catch (RuntimeException e) {
            message = response.body();
        }
        return switch (response.statusCode()) {
            case 401 -> new BootstrapException("cannot " + what + ": the server does not accept the "
                    + (bearer.isPresent() ? "--token (it is unknown, expired or deleted; make a new one with 'outpost token create'"
                            + " on the server)" : "node certificate (it expired or is not from this cluster's CA; remove "
                            + config.pkiDir() + " and join again with --token)"));
            case 403 -> new BootstrapException("cannot " + what + ": forbidden (" + message + ")");
            default -> new BootstrapException("cannot " + what + ": the server answered " + response.statusCode() + " (" + message + ")");
        };
    }
}
