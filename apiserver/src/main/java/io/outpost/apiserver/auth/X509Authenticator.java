package io.outpost.apiserver.auth;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import io.outpost.apiserver.http.UserInfo;

/**
 * Client certificates signed by the cluster CA, read as kube-apiserver reads them: the subject's
 * CN is the user name and each O a group. The TLS layer already checked the chain during the
 * handshake; this checks it again (signature, validity at {@code clock}'s time, client-auth key
 * usage) so that the decision does not rest on how the TLS layer was configured.
 */
public final class X509Authenticator {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    private final X509Certificate ca;
    private final Clock clock;

    public X509Authenticator(X509Certificate ca, Clock clock) {
        this.ca = ca;
        this.clock = clock;
    }

    /** The certificate's user, or empty with the reason in {@code why} when it is not valid. */
    public Optional<UserInfo> authenticate(X509Certificate leaf, StringBuilder why) {
        try {
            leaf.verify(ca.getPublicKey());
            leaf.checkValidity(Date.from(clock.instant()));
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
                why.append("the certificate is not for client authentication");
                return Optional.empty();
            }
        } catch (GeneralSecurityException e) {
            why.append("the client certificate is not valid for the cluster CA: ").append(e.getMessage());
            return Optional.empty();
        }
        return userOf(leaf, why);
    }

    private static Optional<UserInfo> userOf(X509Certificate cert, StringBuilder why) {
        String user = null;
        List<String> groups = new ArrayList<>();
        try {
            // RFC 2253 order is the reverse of the certificate's; kube keeps the certificate's order of O values.
            List<Rdn> rdns = new LdapName(cert.getSubjectX500Principal().getName()).getRdns();
            for (Rdn rdn : rdns) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    user = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            why.append("the certificate's subject cannot be read: ").append(e.getMessage());
            return Optional.empty();
        }
        if (user == null || user.isEmpty()) {
            why.append("the client certificate has no common name");
            return Optional.empty();
        }
        groups.add(UserInfo.AUTHENTICATED);
        return Optional.of(new UserInfo(user, groups));
    }
}
