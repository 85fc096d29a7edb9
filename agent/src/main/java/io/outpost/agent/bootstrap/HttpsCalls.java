package io.outpost.agent.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The agent's one-shot HTTPS requests (the CA fetch, a CSR's submission and polls) on the JDK's
 * {@link HttpsURLConnection}: blocking, no thread of its own but the keep-alive cache's timer,
 * and a few dozen classes where java.net.http loads about 400. The agent never loads java.net.http
 * (a class once loaded stays): measured with 10 process pods, 75 s after a join, its resident
 * memory went from 103.4 to 98.4 MB (medians of 3) with this and the tunnel on Java-WebSocket.
 *
 * <p>As java.net.http did: no proxy (the system's proxy settings are not read), no redirects
 * followed, and the server's host name checked against its certificate whenever the context
 * verifies certificates at all (the JDK's default host name verifier sets endpoint
 * identification "HTTPS" on the socket, so the context's trust manager checks it in the
 * handshake); a context that trusts every certificate ({@link TlsContexts#unverified}) checks no
 * name either. Connections are reused between calls of one instance (the keep-alive cache keys
 * them by socket factory), so a CSR's polls make one TLS handshake.
 *
 * <p>Thread model: any thread; each call blocks its caller until the answer is read or a
 * timeout passes.
 */
final class HttpsCalls {

    /** The status and the body of an answer (an error's body too). */
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final SSLSocketFactory sockets;
    private final Duration timeout;
    private final Map<String, String> headers;

    /**
     * @param timeout for the connection, and then for each read of the answer
     * @param headers sent with every request
     */
    HttpsCalls(SSLContext tls, Duration timeout, Map<String, String> headers) {
        this.sockets = tls.getSocketFactory();
        this.timeout = timeout;
        this.headers = Map.copyOf(headers);
    }

    Response get(URI uri) throws IOException {
        return exchange("GET", uri, null);
    }

    Response post(URI uri, byte[] body) throws IOException {
        return exchange("POST", uri, body);
    }

    private Response exchange(String method, URI uri, byte[] body) throws IOException {
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an https:// URI: " + uri);
        }
        HttpsURLConnection connection = (HttpsURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        connection.setSSLSocketFactory(sockets);
        connection.setConnectTimeout((int) timeout.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestMethod(method);
        headers.forEach(connection::setRequestProperty);
        if (body != null) {
            // Not streamed: a small body, and a streamed POST could not be answered with a 401.
            connection.setDoOutput(true);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
        }
        int status = connection.getResponseCode();
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            // Read to the end, so the connection goes back to the keep-alive cache.
            return new Response(status, in == null ? new byte[0] : in.readAllBytes());
        }
    }
}
