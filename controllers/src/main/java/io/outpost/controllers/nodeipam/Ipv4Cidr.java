package io.outpost.controllers.nodeipam;

/**
 * An IPv4 network in CIDR notation ({@code 10.42.0.0/16}), the only family Outpost allocates pod
 * CIDRs from for now (kube's range allocator also takes an IPv6 or a dual-stack pair).
 *
 * <p>Thread model: immutable.
 *
 * @param base   the network address as an unsigned 32-bit value (host bits zero)
 * @param prefix the mask length, 0 to 32
 */
public record Ipv4Cidr(int base, int prefix) {

    public Ipv4Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length " + prefix + " is not from 0 to 32");
        }
        if ((base & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException(format(base) + "/" + prefix + " has host bits set");
        }
    }

    /**
     * Parses {@code a.b.c.d/n}. As kube's {@code ParseCIDRSloppy} used for {@code --cluster-cidr},
     * an address with host bits set is masked to its network ({@code 10.42.3.4/16} is
     * {@code 10.42.0.0/16}); anything else that is not an IPv4 CIDR is an
     * {@link IllegalArgumentException} whose message says what is expected.
     */
    public static Ipv4Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR; write an IPv4 network with its prefix length, like 10.42.0.0/16");
        }
        int address = parseAddress(s.substring(0, slash), text);
        int prefix;
        try {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length from 0 to 32 after the '/'; write one like 10.42.0.0/16");
        }
        return new Ipv4Cidr(address & mask(prefix), prefix);
    }

    private static int parseAddress(String dotted, String whole) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + whole + "' is not an IPv4 CIDR (IPv6 is not supported yet); write one like 10.42.0.0/16");
        }
        int value = 0;
        for (String p : parts) {
            int octet;
            try {
                octet = p.isEmpty() || p.length() > 3 ? -1 : Integer.parseInt(p);
            } catch (NumberFormatException e) {
                octet = -1;
            }
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("'" + whole + "' is not an IPv4 CIDR; each of its four numbers must be 0 to 255, like 10.42.0.0/16");
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** Whether {@code other} lies wholly inside this network. */
    public boolean contains(Ipv4Cidr other) {
        return other.prefix >= prefix && (other.base & mask(prefix)) == base;
    }

    private static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefix;
    }
}
