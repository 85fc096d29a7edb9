package io.outpost.apiserver.protobuf;

import java.util.Arrays;
import java.util.Locale;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes a Kubernetes protobuf request body ({@code Content-Type:
 * application/vnd.kubernetes.protobuf}) into the JSON tree the rest of the server reads, as
 * kubectl 1.32+ sends them for {@code create configmap|secret|namespace|deployment} and the
 * {@code auth} reviews. The wire form (k8s.io/apimachinery {@code runtime/serializer/protobuf}) is
 * the 4 magic bytes {@code k8s\0}, then a {@code runtime.Unknown} whose {@code typeMeta} names the
 * kind and whose {@code raw} is the object's message. The message is parsed with the descriptors
 * of client-java-proto and converted by {@link ProtoJson}.
 * <p>Errors: a kind this server has no message for, or a content encoding or content type inside
 * the envelope, is 415 (the client may send JSON); bytes that do not parse are 400. Pure and
 * stateless.
 */
public final class ProtobufBodies {

    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private static final byte[] MAGIC = {'k', '8', 's', 0};

    /** A decoded body: the object as JSON, with {@code kind} and {@code apiVersion} first as Go writes them. */
    public record Decoded(String apiVersion, String kind, ObjectNode object) {
    }

    private ProtobufBodies() {
    }

    /**
     * runtime.Unknown, read through its descriptor: client-java-proto's generated parsers are
     * pre-protobuf-22 code (protobuf warns that they are open to a denial of service), so every
     * message here is parsed as a {@link DynamicMessage} by the runtime's own parser.
     */
    private record Envelope(String apiVersion, String kind, ByteString raw, String contentEncoding, String contentType) {
        private static final Descriptor UNKNOWN = Unknown.getDescriptor();
        private static final Descriptor TYPE_META = TypeMeta.getDescriptor();

        static Envelope parse(byte[] bytes) throws InvalidProtocolBufferException {
            DynamicMessage unknown = DynamicMessage.parseFrom(UNKNOWN, bytes);
            DynamicMessage typeMeta = (DynamicMessage) unknown.getField(UNKNOWN.findFieldByName("typeMeta"));
            return new Envelope((String) typeMeta.getField(TYPE_META.findFieldByName("apiVersion")),
                    (String) typeMeta.getField(TYPE_META.findFieldByName("kind")),
                    (ByteString) unknown.getField(UNKNOWN.findFieldByName("raw")),
                    (String) unknown.getField(UNKNOWN.findFieldByName("contentEncoding")),
                    (String) unknown.getField(UNKNOWN.findFieldByName("contentType")));
        }
    }

    /** Decodes a body; {@link UnreadableBodyException} (400 or 415) when it cannot. */
    public static Decoded toJson(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw UnreadableBodyException.badRequest("the protobuf body does not start with the Kubernetes prefix k8s\\x00; "
                    + "send a runtime.Unknown envelope or use Content-Type: application/json");
        }
        Envelope envelope;
        try {
            envelope = Envelope.parse(Arrays.copyOfRange(body, MAGIC.length, body.length));
        } catch (InvalidProtocolBufferException e) {
            throw UnreadableBodyException.badRequest("the protobuf body is not a runtime.Unknown envelope: " + e.getMessage());
        }
        String apiVersion = envelope.apiVersion();
        String kind = envelope.kind();
        if (kind.isEmpty()) {
            throw UnreadableBodyException.badRequest("Object 'Kind' is missing in the protobuf body's typeMeta");
        }
        if (!envelope.contentEncoding().isEmpty()) {
            throw UnreadableBodyException.unsupported("the protobuf body's content encoding \"" + envelope.contentEncoding()
                    + "\" is not supported; send the object unencoded");
        }
        String contentType = envelope.contentType().toLowerCase(Locale.ROOT);
        if (!contentType.isEmpty() && !contentType.startsWith(MEDIA_TYPE)) {
            throw UnreadableBodyException.unsupported("the protobuf body wraps content of type \"" + envelope.contentType()
                    + "\"; send it with that Content-Type instead");
        }
        var descriptor = KindIndex.find(apiVersion, kind).orElseThrow(() -> UnreadableBodyException.unsupported(
                "this server cannot decode kind " + kind + " in version \"" + apiVersion + "\" from protobuf; send it as application/json"));
        DynamicMessage message;
        try {
            message = DynamicMessage.parseFrom(descriptor, envelope.raw());
        } catch (InvalidProtocolBufferException e) {
            throw UnreadableBodyException.badRequest(kind + " in version \"" + apiVersion + "\" cannot be handled as a " + kind
                    + ": the protobuf body does not parse: " + e.getMessage());
        }
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        object.put("kind", kind);
        object.put("apiVersion", apiVersion);
        object.setAll(ProtoJson.object(message));
        return new Decoded(apiVersion, kind, object);
    }
}
