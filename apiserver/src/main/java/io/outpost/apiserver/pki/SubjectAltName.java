package io.outpost.apiserver.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

import io.netty.util.NetUtil;

/**
 * One name a serving certificate is valid for: a DNS name or an IP address, as {@code --tls-san}
 * gives it.
 *
 * @param ip    whether {@code value} is an IP address
 * @param value the DNS name (lower case) or the IP address in its canonical text form
 */
public record SubjectAltName(boolean ip, String value) implements Comparable<SubjectAltName> {

    /** RFC 1123 labels, optionally a leading wildcard label, as kube-apiserver accepts for --tls-sni-cert-key. */
    private static final Pattern DNS = Pattern.compile(
            "(\\*\\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");

    public static SubjectAltName dns(String name) {
        return new SubjectAltName(false, name.toLowerCase(Locale.ROOT));
    }

    public static SubjectAltName ip(InetAddress address) {
        return new SubjectAltName(true, NetUtil.toAddressString(address));
    }

    /**
     * Reads a DNS name or an IP literal; never resolves a name.
     *
     * @throws IllegalArgumentException saying what a valid value looks like
     */
    public static SubjectAltName parse(String value) {
        String v = value.strip();
        String unbracketed = v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1) : v;
        byte[] address = NetUtil.createByteArrayFromIpAddressString(unbracketed);
        if (address != null) {
            try {
                return ip(InetAddress.getByAddress(address));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + value + "' is not an IP address", e);
            }
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.length() > 253 || !DNS.matcher(lower).matches()) {
            throw new IllegalArgumentException("'" + value + "' is neither a DNS name (like edge.example.com)"
                    + " nor an IP address (like 10.0.0.5 or fd00::5)");
        }
        return dns(lower);
    }

    /** The address bytes of an IP name. */
    InetAddress address() {
        try {
            return InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(value));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int compareTo(SubjectAltName o) {
        return ip != o.ip ? Boolean.compare(ip, o.ip) : value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return (ip ? "IP:" : "DNS:") + value;
    }
}
