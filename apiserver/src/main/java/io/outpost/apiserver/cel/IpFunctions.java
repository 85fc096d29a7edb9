package io.outpost.apiserver.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import com.google.common.net.InetAddresses;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
  * Kube's IP and CIDR libraries: {@code ip(string)}, {@code isIP(string)},
  * {@code ip.isCanonical(string)}, and on an IP {@code family()}, {@code isUnspecified()},
  * {@code isLoopback()}, {@code isLinkLocalMulticast()}, {@code isLinkLocalUnicast()},
  * {@code isGlobalUnicast()}; {@code cidr(string)}, {@code isCIDR(string)}, and on a CIDR
  * {@code containsIP(ip|string)}, {@code containsCIDR(cidr|string)}, {@code ip()},
  * {@code masked()}, {@code prefixLength()}. As kube, a zone ({@code fe80::1%eth0}) and an
  * IPv4-mapped IPv6 address are refused. Parsing never resolves names (Guava's InetAddresses).
  */
final class IpFunctions implements KubernetesLibrary.Part {

    static final OpaqueType IP = OpaqueType.create("net.IP");
    static final OpaqueType CIDR = OpaqueType.create("net.CIDR");

    /** An address and the text it was parsed from. */
    record Ip(InetAddress address) {
        @Override
        public String toString() {
            return InetAddresses.toAddrString(address);
        }

        int bits() {
            return address instanceof Inet4Address ? 32 : 128;
        }
    }

    /** A prefix: the address as written and the prefix length. */
    record Cidr(Ip ip, int prefix) {
        Ip masked() {
            BigInteger value = new BigInteger(1, ip.address().getAddress());
            BigInteger mask =
                    BigInteger.ONE.shiftLeft(ip.bits()).subtract(BigInteger.ONE)
                            .shiftRight(prefix).not();
            byte[] bytes = toBytes(value.and(mask), ip.bits() / 8);
            try {
                return new Ip(InetAddress.getByAddress(bytes));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        boolean contains(Ip other) {
            return other.bits() == ip.bits() && new Cidr(other, prefix).masked().equals(masked());
        }

        @Override
        public String toString() {
            return ip + "/" + prefix;
        }
    }

    static Ip parseIp(String text) throws CelEvaluationException {
        if (text.contains("%")) {
            throw KubernetesLibrary.error("IP address with zone value is not allowed");
        }
        if (!InetAddresses.isInetAddress(text)) {
            throw KubernetesLibrary.error("IP Address \"" + text + "\" parse error during conversion from string: ParseAddr(\"" + text + "\"): unable to parse IP");
        }
        InetAddress address = InetAddresses.forString(text);
        if (address instanceof Inet4Address && text.contains(":")) {
            throw KubernetesLibrary.error("IPv4-mapped IPv6 address \"" + text + "\" is not allowed");
        }
        return new Ip(address);
    }

    static Cidr parseCidr(String text) throws CelEvaluationException {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw KubernetesLibrary.error("network address parse error during conversion from string: netip.ParsePrefix(\"" + text + "\"): no '/'");
        }
        Ip ip = parseIp(text.substring(0, slash));
        String length = text.substring(slash + 1);
        if (!length.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(length) > ip.bits()) {
            throw KubernetesLibrary.error("network address parse error during conversion from string: netip.ParsePrefix(\"" + text + "\"): bad bits after slash: \"" + length + "\"");
        }
        return new Cidr(ip, Integer.parseInt(length));
    }

    @Override
    public List<CelFunctionDecl> declarations() {
        var s = SimpleType.STRING;
        var b = SimpleType.BOOL;
        return List.of(
                newFunctionDeclaration("ip", newGlobalOverload("string_to_ip", IP, s), newMemberOverload("cidr_ip", IP, CIDR)),
                newFunctionDeclaration("isIP", newGlobalOverload("is_ip", b, s)),
                newFunctionDeclaration("ip.isCanonical", newGlobalOverload("ip_is_canonical", b, s)),
                newFunctionDeclaration("family", newMemberOverload("ip_family", SimpleType.INT, IP)),
                newFunctionDeclaration("isUnspecified", newMemberOverload("ip_is_unspecified", b, IP)),
                newFunctionDeclaration("isLoopback", newMemberOverload("ip_is_loopback", b, IP)),
                newFunctionDeclaration("isLinkLocalMulticast", newMemberOverload("ip_is_link_local_multicast", b, IP)),
                newFunctionDeclaration("isLinkLocalUnicast", newMemberOverload("ip_is_link_local_unicast", b, IP)),
                newFunctionDeclaration("isGlobalUnicast", newMemberOverload("ip_is_global_unicast", b, IP)),
                newFunctionDeclaration("cidr", newGlobalOverload("string_to_cidr", CIDR, s)),
                newFunctionDeclaration("isCIDR", newGlobalOverload("is_cidr", b, s)),
                newFunctionDeclaration(
                        "containsIP",
                        newMemberOverload("cidr_contains_ip_ip", b, CIDR, IP),
                        newMemberOverload("cidr_contains_ip_string", b, CIDR, s)),
                newFunctionDeclaration(
                        "containsCIDR",
                        newMemberOverload("cidr_contains_cidr", b, CIDR, CIDR),
                        newMemberOverload("cidr_contains_cidr_string", b, CIDR, s)),
                newFunctionDeclaration("masked", newMemberOverload("cidr_masked", CIDR, CIDR)),
                newFunctionDeclaration("prefixLength", newMemberOverload("cidr_prefix_length", SimpleType.INT, CIDR)));
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_ip", String.class, IpFunctions::parseIp),
                CelFunctionBinding.from("cidr_ip", Cidr.class, Cidr::ip),
                CelFunctionBinding.from("is_ip", String.class, s -> valid(() -> parseIp(s))),
                CelFunctionBinding.from("ip_is_canonical", String.class, s -> parseIp(s).toString().equals(s)),
                CelFunctionBinding.from("ip_family", Ip.class, ip -> ip.bits() == 32 ? 4L : 6L),
                CelFunctionBinding.from("ip_is_unspecified", Ip.class, ip -> ip.address().isAnyLocalAddress()),
                CelFunctionBinding.from("ip_is_loopback", Ip.class, ip -> ip.address().isLoopbackAddress()),
                CelFunctionBinding.from("ip_is_link_local_multicast", Ip.class, ip -> ip.address().isMCLinkLocal()),
                CelFunctionBinding.from("ip_is_link_local_unicast", Ip.class, ip -> ip.address().isLinkLocalAddress()),
                CelFunctionBinding.from("ip_is_global_unicast", Ip.class, IpFunctions::isGlobalUnicast),
                CelFunctionBinding.from("string_to_cidr", String.class, IpFunctions::parseCidr),
                CelFunctionBinding.from("is_cidr", String.class, s -> valid(() -> parseCidr(s))),
                CelFunctionBinding.from("cidr_contains_ip_ip", Cidr.class, Ip.class, Cidr::contains),
                CelFunctionBinding.from("cidr_contains_ip_string", Cidr.class, String.class, (c, s) -> c.contains(parseIp(s))),
                CelFunctionBinding.from("cidr_contains_cidr", Cidr.class, Cidr.class, IpFunctions::containsCidr),
                CelFunctionBinding.from("cidr_contains_cidr_string", Cidr.class, String.class, (c, s) -> containsCidr(c, parseCidr(s))),
                CelFunctionBinding.from("cidr_masked", Cidr.class, c -> new Cidr(c.masked(), c.prefix())),
                CelFunctionBinding.from("cidr_prefix_length", Cidr.class, c -> (long) c.prefix()));
    }

    private static boolean containsCidr(Cidr outer, Cidr inner) {
        return inner.prefix() >= outer.prefix() && outer.contains(inner.ip());
    }

    /** Go's IsGlobalUnicast: not unspecified, loopback, multicast, link-local or IPv4 broadcast. */
    private static boolean isGlobalUnicast(Ip ip) {
        InetAddress a = ip.address();
        boolean broadcast = a instanceof Inet4Address && ip.toString().equals("255.255.255.255");
        return !(a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress()
                || a.isLinkLocalAddress() || broadcast);
    }

    private interface Parse {
        Object run() throws CelEvaluationException;
    }

    private static boolean valid(Parse parse) {
        try {
            parse.run();
            return true;
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    private static byte[] toBytes(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

}
