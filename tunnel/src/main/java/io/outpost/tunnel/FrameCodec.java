package io.outpost.tunnel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The tunnel's binary encoding of a {@link Frame}: one tag byte, then the fields in order.
 *
 * <ul>
 *   <li>Numbers are unsigned LEB128 varints (a heartbeat answer is 1 + 1..5 bytes); revisions and
 *       sequence numbers are never negative.</li>
 *   <li>Strings are a varint byte length and UTF-8.</li>
 *   <li>Object bodies (JSON) and the digest are "blobs": a varint {@code length << 1 | deflated},
 *       then, if deflated, the varint inflated length, then the bytes. A blob of
 *       {@value #DEFLATE_FROM} bytes or more is deflated (raw DEFLATE, with the preset
 *       {@link DeflateDictionary} of Kubernetes JSON) when that makes it smaller: small objects
 *       compress well only with a dictionary, as their field names are the bulk of them.</li>
 * </ul>
 * The WebSocket message already delimits a frame, so a frame has no outer length. A frame that
 * does not decode is {@link MalformedFrame}; the receiver ends the connection.
 *
 * <p>Thread model: stateless; any thread. Deflaters and inflaters are made per blob and ended at
 * once (they hold native memory).
 */
public final class FrameCodec {

    /** Blobs shorter than this are sent as they are: deflating them saves nothing worth the CPU. */
    public static final int DEFLATE_FROM = 64;
    /** An inflated blob larger than this is refused (a decompression bomb); kube bodies are at most 3 MiB. */
    static final int MAX_INFLATED = 16 * 1024 * 1024;

    private static final int HELLO = 1;
    private static final int DIGEST_REQUEST = 2;
    private static final int DIGEST = 3;
    private static final int CHANGE = 4;
    private static final int SYNCED = 5;
    private static final int ACK = 6;
    private static final int HEARTBEAT = 7;
    private static final int HEARTBEAT_ACK = 8;
    private static final int REPORT_ACK = 9;
    private static final int REFUSED = 10;
    private static final int TOUCH = 11;
    private static final int SERVICE_ACCOUNT_TOKEN = 12;
    private static final int POD_STATUS = 16;
    private static final int POD_TERMINATED = 17;
    private static final int NODE_STATUS = 18;
    private static final int EVENT = 19;
    private static final int NODE_META = 20;

    /** A frame that does not decode: the peer is broken or not a tunnel peer. */
    public static final class MalformedFrame extends RuntimeException {
        public MalformedFrame(String message) {
            super(message);
        }
    }

    private FrameCodec() {
    }

    public static byte[] encode(Frame frame) {
        Out out = new Out();
        switch (frame) {
            case Frame.Hello h -> out.tag(HELLO).varint(h.version()).varint(h.lastRevision()).varint(h.held());
            case Frame.DigestRequest d -> out.tag(DIGEST_REQUEST).varint(d.compactRevision());
            case Frame.Digest d -> {
                Out inventory = new Out();
                inventory.varint(d.held().size());
                for (Frame.Held h : d.held()) {
                    inventory.ref(h.ref()).varint(h.resourceVersion());
                }
                out.tag(DIGEST).blob(inventory.bytes());
            }
            case Frame.Change c -> out.tag(CHANGE).varint(c.revision()).ref(c.ref()).blob(c.body());
            case Frame.Touch t -> out.tag(TOUCH).varint(t.revision()).ref(t.ref());
            case Frame.ServiceAccountToken t -> out.tag(SERVICE_ACCOUNT_TOKEN).string(t.namespace()).string(t.pod()).string(t.podUid())
                    .string(t.audience()).varint(t.expirationSeconds()).string(t.token()).varint(t.expiresAtEpochSecond());
            case Frame.Synced s -> out.tag(SYNCED).varint(s.revision());
            case Frame.Ack a -> out.tag(ACK).varint(a.revision());
            case Frame.Heartbeat h -> out.tag(HEARTBEAT);
            case Frame.HeartbeatAck h -> out.tag(HEARTBEAT_ACK).varint(h.revision());
            case Frame.ReportAck r -> out.tag(REPORT_ACK).varint(r.seq());
            case Frame.Refused r -> out.tag(REFUSED).string(r.reason());
            case Frame.PodStatus p -> out.tag(POD_STATUS).varint(p.seq()).string(p.namespace()).string(p.name())
                    .string(p.uid()).blob(p.status());
            case Frame.PodTerminated p -> out.tag(POD_TERMINATED).varint(p.seq()).string(p.namespace()).string(p.name())
                    .string(p.uid());
            case Frame.NodeStatus n -> out.tag(NODE_STATUS).varint(n.seq()).blob(n.status());
            case Frame.EventReport e -> out.tag(EVENT).varint(e.seq()).blob(e.event());
            case Frame.NodeMeta n -> out.tag(NODE_META).varint(n.seq()).blob(n.metadata());
        }
        return out.bytes();
    }

    /** @throws MalformedFrame if {@code bytes} is no whole frame */
    public static Frame decode(byte[] bytes) {
        In in = new In(bytes);
        int tag = in.u8();
        Frame frame = switch (tag) {
            case HELLO -> new Frame.Hello((int) in.varint(), in.varint(), (int) in.varint());
            case DIGEST_REQUEST -> new Frame.DigestRequest(in.varint());
            case DIGEST -> {
                In inventory = new In(in.blob());
                long n = inventory.varint();
                if (n > inventory.remaining()) {
                    throw new MalformedFrame("a digest of " + n + " entries in " + inventory.remaining() + " bytes");
                }
                List<Frame.Held> held = new ArrayList<>((int) n);
                for (long i = 0; i < n; i++) {
                    held.add(new Frame.Held(inventory.ref(), inventory.varint()));
                }
                inventory.end();
                yield new Frame.Digest(held);
            }
            case CHANGE -> new Frame.Change(in.varint(), in.ref(), in.blob());
            case TOUCH -> new Frame.Touch(in.varint(), in.ref());
            case SERVICE_ACCOUNT_TOKEN -> new Frame.ServiceAccountToken(in.string(), in.string(), in.string(), in.string(), in.varint(),
                    in.string(), in.varint());
            case SYNCED -> new Frame.Synced(in.varint());
            case ACK -> new Frame.Ack(in.varint());
            case HEARTBEAT -> new Frame.Heartbeat();
            case HEARTBEAT_ACK -> new Frame.HeartbeatAck(in.varint());
            case REPORT_ACK -> new Frame.ReportAck(in.varint());
            case REFUSED -> new Frame.Refused(in.string());
            case POD_STATUS -> new Frame.PodStatus(in.varint(), in.string(), in.string(), in.string(), in.blob());
            case POD_TERMINATED -> new Frame.PodTerminated(in.varint(), in.string(), in.string(), in.string());
            case NODE_STATUS -> new Frame.NodeStatus(in.varint(), in.blob());
            case EVENT -> new Frame.EventReport(in.varint(), in.blob());
            case NODE_META -> new Frame.NodeMeta(in.varint(), in.blob());
            default -> throw new MalformedFrame("unknown frame tag " + tag);
        };
        in.end();
        return frame;
    }

    private static final class Out {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream(64);

        Out tag(int tag) {
            buf.write(tag);
            return this;
        }

        Out varint(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative number in a frame: " + v);
            }
            while ((v & ~0x7FL) != 0) {
                buf.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            buf.write((int) v);
            return this;
        }

        Out string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            buf.writeBytes(b);
            return this;
        }

        Out ref(ObjectRef ref) {
            tag(ref.kind().code());
            if (ref.kind().namespaced()) {
                string(ref.namespace());
            }
            return string(ref.name());
        }

        Out blob(byte[] raw) {
            byte[] deflated = raw.length >= DEFLATE_FROM ? deflate(raw) : null;
            if (deflated != null && deflated.length < raw.length) {
                varint(((long) deflated.length << 1) | 1).varint(raw.length);
                buf.writeBytes(deflated);
            } else {
                varint((long) raw.length << 1);
                buf.writeBytes(raw);
            }
            return this;
        }

        byte[] bytes() {
            return buf.toByteArray();
        }
    }

    private static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setDictionary(DeflateDictionary.bytes());
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 16);
            byte[] chunk = new byte[Math.max(256, raw.length)];
            while (!deflater.finished()) {
                int n = deflater.deflate(chunk);
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static byte[] inflate(byte[] deflated, int rawLength) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setDictionary(DeflateDictionary.bytes());
            inflater.setInput(deflated);
            byte[] raw = new byte[rawLength];
            int n = 0;
            while (n < rawLength) {
                int got = inflater.inflate(raw, n, rawLength - n);
                if (got == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != rawLength) {
                throw new MalformedFrame("a deflated blob inflated to " + n + " bytes, not the " + rawLength + " announced");
            }
            return raw;
        } catch (DataFormatException e) {
            throw new MalformedFrame("a deflated blob is corrupt: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static final class In {
        private final byte[] b;
        private int pos;

        In(byte[] b) {
            this.b = b;
        }

        int remaining() {
            return b.length - pos;
        }

        int u8() {
            if (pos >= b.length) {
                throw new MalformedFrame("frame ends early at byte " + pos);
            }
            return b[pos++] & 0xFF;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    if (v < 0) {
                        throw new MalformedFrame("a number out of range at byte " + pos);
                    }
                    return v;
                }
            }
            throw new MalformedFrame("a varint longer than 10 bytes at byte " + pos);
        }

        int length() {
            long n = varint();
            if (n > remaining()) {
                throw new MalformedFrame("a length of " + n + " with " + remaining() + " bytes left");
            }
            return (int) n;
        }

        byte[] bytes(int n) {
            byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        String string() {
            return new String(bytes(length()), StandardCharsets.UTF_8);
        }

        ObjectRef ref() {
            ObjectKind kind = ObjectKind.ofCode(u8());
            String namespace = kind.namespaced() ? string() : "";
            try {
                return new ObjectRef(kind, namespace, string());
            } catch (IllegalArgumentException e) {
                throw new MalformedFrame(e.getMessage());
            }
        }

        byte[] blob() {
            long header = varint();
            long stored = header >>> 1;
            if (stored > remaining()) {
                throw new MalformedFrame("a blob of " + stored + " bytes with " + remaining() + " left");
            }
            if ((header & 1) == 0) {
                return bytes((int) stored);
            }
            long raw = varint();
            if (raw > MAX_INFLATED) {
                throw new MalformedFrame("a blob that inflates to " + raw + " bytes (more than " + MAX_INFLATED + ")");
            }
            if (stored > remaining()) {
                throw new MalformedFrame("a blob of " + stored + " bytes with " + remaining() + " left");
            }
            return inflate(bytes((int) stored), (int) raw);
        }

        void end() {
            if (pos != b.length) {
                throw new MalformedFrame((b.length - pos) + " bytes after the end of the frame");
            }
        }
    }
}
