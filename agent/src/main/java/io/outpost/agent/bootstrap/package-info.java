/**
 * How an edge node gets and keeps its identity, as kubelet's TLS bootstrap does it
 * (kubernetes {@code pkg/kubelet/certificate/bootstrap} and client-go's certificate manager):
 * <ol>
 * <li>{@link io.outpost.agent.bootstrap.Bootstrap#join} fetches the cluster CA from
 *     {@code GET /cacerts} over a connection it does not yet trust, checks the bundle's SHA-256
 *     against the hash the join token pins, then trusts only that CA;
 * <li>it makes a P-256 key and submits a CertificateSigningRequest for
 *     {@code CN=system:node:<name>, O=system:nodes} (signer
 *     {@code kubernetes.io/kube-apiserver-client-kubelet}), authenticated by the bootstrap token;
 * <li>the server's approver and signer answer with a certificate, which is stored with the key
 *     under {@code DATA/pki} and reused on restart;
 * <li>{@link io.outpost.agent.bootstrap.CertificateRotator} renews it at 70–84% of its life,
 *     authenticated by the certificate itself, and new connections present the new one.
 * </ol>
 * How {@code outpost agent} uses it:
 * <pre>{@code
 * BootstrapConfig config = BootstrapConfig.of(server, token, nodeName, dataDir);
 * NodeIdentity identity = Bootstrap.join(config);          // blocks until joined, or throws
 * CertificateRotator rotator = new CertificateRotator(identity, config, RandomGenerator.getDefault());
 * rotator.start();                                          // renews in the background
 * SSLContext tls = rotator.sslContext();                    // for every connection to the server
 * }</pre>
 * The public types are {@link io.outpost.agent.bootstrap.BootstrapConfig},
 * {@link io.outpost.agent.bootstrap.Bootstrap}, {@link io.outpost.agent.bootstrap.NodeIdentity},
 * {@link io.outpost.agent.bootstrap.CertificateRotator} and
 * {@link io.outpost.agent.bootstrap.BootstrapException}; the rest is package-private.
 */
package io.outpost.agent.bootstrap;
