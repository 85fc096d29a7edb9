package io.outpost.apiserver.protobuf;

import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a decoded Kubernetes protobuf message into the JSON tree kube-apiserver's JSON serializer
 * writes for the same Go object, driven only by the message descriptors (the field names of the
 * Kubernetes {@code generated.proto} files are already the JSON names). Protobuf's own
 * {@code JsonFormat} does not do this: Kubernetes JSON differs for
 * <ul>
 * <li>{@code meta.v1.Time}: RFC 3339 in seconds (kube's proto decoding drops the nanos); an empty
 *     message is the zero time, written {@code null} as Go does for {@code creationTimestamp};
 * <li>{@code meta.v1.MicroTime}: RFC 3339 with six fraction digits; {@code meta.v1.Duration}: Go's
 *     {@code time.Duration} string ({@code 1m30s});
 * <li>{@code resource.Quantity}: its string; {@code intstr.IntOrString}: a number or a string;
 * <li>{@code runtime.RawExtension} and {@code meta.v1.FieldsV1}: their raw bytes, which are JSON;
 * <li>{@code bytes} fields (Secret {@code data}, {@code binaryData}): base64;
 * <li>single-field {@code items} wrappers ({@code ExtraValue}, {@code Verbs}): Go slices, so arrays.
 * </ul>
 * <b>omitempty.</b> Go's gogo marshaller writes every non-pointer field, so a present field on the
 * wire does not mean the JSON has it. The Go struct tags are not in the descriptors; the rule here
 * is the one almost every optional Kubernetes field follows: a zero scalar ({@code ""}, 0, false),
 * an empty list or map is omitted, a present message is kept (Go never omits a struct:
 * {@code "resources": {}}). The exceptions are Go pointer fields whose zero means something
 * ({@code replicas: 0}, {@code automountServiceAccountToken: false}): {@link #MEANINGFUL_ZERO}
 * names them and must grow when a client sends another.
 * <p>Pure and stateless.
 */
final class ProtoJson {

    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final String TIME = META + "Time";
    private static final String MICRO_TIME = META + "MicroTime";
    private static final String DURATION = META + "Duration";
    private static final String FIELDS_V1 = META + "FieldsV1";
    private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";

    /**
     * Fields that are Go pointers in the Kubernetes types and whose zero value differs from
     * "unset" (unset is defaulted or inherited): written even when zero. By containing message
     * and JSON name ({@code DeploymentSpec.replicas}; {@code DeploymentStatus.replicas} is not a
     * pointer and is omitted when 0).
     */
    static final Set<String> MEANINGFUL_ZERO = Set.of(
            "DeploymentSpec.replicas", "DeploymentSpec.revisionHistoryLimit", "DeploymentSpec.progressDeadlineSeconds",
            "ReplicaSetSpec.replicas", "StatefulSetSpec.replicas", "StatefulSetSpec.revisionHistoryLimit",
            "DaemonSetSpec.revisionHistoryLimit", "ReplicationControllerSpec.replicas",
            "JobSpec.parallelism", "JobSpec.completions", "JobSpec.activeDeadlineSeconds", "JobSpec.backoffLimit",
            "JobSpec.backoffLimitPerIndex", "JobSpec.maxFailedIndexes", "JobSpec.ttlSecondsAfterFinished", "JobSpec.suspend",
            "JobSpec.manualSelector", "CronJobSpec.startingDeadlineSeconds", "CronJobSpec.suspend",
            "CronJobSpec.successfulJobsHistoryLimit", "CronJobSpec.failedJobsHistoryLimit",
            "PodSpec.terminationGracePeriodSeconds", "PodSpec.activeDeadlineSeconds", "PodSpec.automountServiceAccountToken",
            "PodSpec.shareProcessNamespace", "PodSpec.enableServiceLinks", "PodSpec.setHostnameAsFQDN", "PodSpec.hostUsers",
            "Probe.terminationGracePeriodSeconds",
            "SecurityContext.runAsUser", "SecurityContext.runAsGroup", "SecurityContext.runAsNonRoot",
            "SecurityContext.privileged", "SecurityContext.readOnlyRootFilesystem", "SecurityContext.allowPrivilegeEscalation",
            "PodSecurityContext.runAsUser", "PodSecurityContext.runAsGroup", "PodSecurityContext.runAsNonRoot",
            "PodSecurityContext.fsGroup", "ServiceAccount.automountServiceAccountToken",
            "ConfigMap.immutable", "Secret.immutable", "SecretVolumeSource.defaultMode", "SecretVolumeSource.optional",
            "ConfigMapVolumeSource.defaultMode", "ConfigMapVolumeSource.optional", "ProjectedVolumeSource.defaultMode",
            "DownwardAPIVolumeSource.defaultMode", "DownwardAPIVolumeFile.mode", "KeyToPath.mode",
            "ConfigMapKeySelector.optional", "SecretKeySelector.optional", "ConfigMapEnvSource.optional",
            "SecretEnvSource.optional", "ObjectMeta.deletionGracePeriodSeconds", "OwnerReference.controller",
            "OwnerReference.blockOwnerDeletion", "DeleteOptions.gracePeriodSeconds", "DeleteOptions.orphanDependents",
            "TokenRequestSpec.expirationSeconds", "ServiceAccountTokenProjection.expirationSeconds");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private ProtoJson() {
    }

    /** The message's fields as a JSON object, omitting empty fields as described above. */
    static ObjectNode object(Message message) {
        ObjectNode out = NODES.objectNode();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            String name = field.getJsonName();
            if (field.isRepeated()) {
                if (message.getRepeatedFieldCount(field) > 0) {
                    out.set(name, field.isMapField() ? map(message, field) : list(message, field));
                }
            } else if (message.hasField(field)) {
                Object value = message.getField(field);
                if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE || !isZero(value)
                        || MEANINGFUL_ZERO.contains(field.getContainingType().getName() + "." + name)) {
                    out.set(name, value(field, value));
                }
            }
        }
        return out;
    }

    private static boolean isZero(Object value) {
        return switch (value) {
            case String s -> s.isEmpty();
            case Number n -> n.doubleValue() == 0;
            case Boolean b -> !b;
            case ByteString b -> b.isEmpty();
            default -> false;
        };
    }

    private static ArrayNode list(Message message, FieldDescriptor field) {
        ArrayNode out = NODES.arrayNode();
        for (Object element : (List<?>) message.getField(field)) {
            out.add(value(field, element));
        }
        return out;
    }

    /** A map field is a repeated entry message with {@code key} and {@code value}; Go keeps zero values in maps. */
    private static ObjectNode map(Message message, FieldDescriptor field) {
        FieldDescriptor key = field.getMessageType().findFieldByName("key");
        FieldDescriptor value = field.getMessageType().findFieldByName("value");
        ObjectNode out = NODES.objectNode();
        for (Object element : (List<?>) message.getField(field)) {
            Message entry = (Message) element;
            out.set(String.valueOf(entry.getField(key)), value(value, entry.getField(value)));
        }
        return out;
    }

    private static JsonNode value(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case STRING -> NODES.stringNode((String) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case INT -> NODES.numberNode((Integer) value);
            case LONG -> unsigned(field) ? NODES.numberNode(new BigInteger(Long.toUnsignedString((Long) value)))
                    : NODES.numberNode((Long) value);
            case FLOAT -> NODES.numberNode((Float) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            case BYTE_STRING -> NODES.stringNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> NODES.stringNode(((EnumValueDescriptor) value).getName());
            case MESSAGE -> message((Message) value);
        };
    }

    private static boolean unsigned(FieldDescriptor field) {
        return field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64;
    }

    /** A nested message: one of the special apimachinery types, an {@code items} wrapper, or an object. */
    private static JsonNode message(Message message) {
        return switch (message.getDescriptorForType().getFullName()) {
            case TIME -> isEmpty(message) ? NODES.nullNode()
                    : NODES.stringNode(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(longField(message, "seconds"))));
            case MICRO_TIME -> isEmpty(message) ? NODES.nullNode()
                    : NODES.stringNode(MICRO.format(Instant.ofEpochSecond(longField(message, "seconds"), longField(message, "nanos"))));
            case DURATION -> NODES.stringNode(GoDuration.format(longField(message, "duration")));
            case QUANTITY -> NODES.stringNode(isEmpty(message) ? "0" : (String) field(message, "string"));
            case INT_OR_STRING -> longField(message, "type") == 1 ? NODES.stringNode((String) field(message, "strVal"))
                    : NODES.numberNode(((Number) field(message, "intVal")).intValue());
            case RAW_EXTENSION, FIELDS_V1 -> raw(message);
            default -> isItemsWrapper(message) ? list(message, message.getDescriptorForType().getFields().getFirst()) : object(message);
        };
    }

    private static boolean isEmpty(Message message) {
        return message.getAllFields().isEmpty();
    }

    private static Object field(Message message, String name) {
        return message.getField(message.getDescriptorForType().findFieldByName(name));
    }

    private static long longField(Message message, String name) {
        return ((Number) field(message, name)).longValue();
    }

    /** Go's {@code type ExtraValue []string} is a message with one repeated {@code items} field on the wire. */
    private static boolean isItemsWrapper(Message message) {
        List<FieldDescriptor> fields = message.getDescriptorForType().getFields();
        return fields.size() == 1 && fields.getFirst().isRepeated() && fields.getFirst().getName().equals("items");
    }

    /** Raw JSON carried in bytes; an empty one is Go's nil {@code RawExtension}, written {@code null}. */
    private static JsonNode raw(Message message) {
        // RawExtension's field is "raw", FieldsV1's is "Raw": each has that one bytes field.
        ByteString raw = (ByteString) message.getField(message.getDescriptorForType().getFields().getFirst());
        if (raw.isEmpty()) {
            return NODES.nullNode();
        }
        try {
            return JSON.readTree(raw.toByteArray());
        } catch (JacksonException e) {
            throw UnreadableBodyException.badRequest("the protobuf body holds a " + message.getDescriptorForType().getName()
                    + " whose raw bytes are not JSON: " + e.getOriginalMessage());
        }
    }
}
