package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.outpost.api.Codec;
import io.outpost.api.Decoded;
import io.outpost.api.FieldProblem;
import io.outpost.api.KindClasses;
import io.outpost.api.MalformedBodyException;
import io.outpost.api.ResourceType;
import io.outpost.apiserver.conversion.EventsV1Conversion;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.protobuf.BodyFormat;
import io.outpost.apiserver.validation.Strategies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a create or update body (JSON, YAML or Kubernetes protobuf by its Content-Type; any other
 * is 415) into the object tree that is stored, applying {@code fieldValidation}: the kind's fabric8
 * class finds unknown fields, the codec duplicate ones (a protobuf body has neither). Unknown fields are removed from the tree (the tree, not the typed
 * object, is what is stored, so nothing is lost by fabric8's serialisation). Stateless.
 */
final class Bodies {

    /** A body ready for defaulting, and the {@code Warning} header values it earned. */
    record Body(ObjectNode object, List<String> warnings) {
    }

    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    private final Codec codec = new Codec();
    private final Strategies strategies;

    Bodies() {
        this(Strategies.builtIns());
    }

    /** {@code strategies} find the unknown fields of kinds without a typed model (custom resources). */
    Bodies(Strategies strategies) {
        this.strategies = strategies;
    }

    Body read(ApiRequest request, ResourceType type, WriteOptions.FieldValidation validation) {
        byte[] bytes = request.body();
        if (bytes.length == 0) {
            throw ApiException.badRequest("the request body is empty; send the object as JSON");
        }
        ObjectNode object;
        List<FieldProblem> problems = new ArrayList<>();
        BodyFormat format = Responses.format(request);
        if (format == BodyFormat.PROTOBUF) {
            object = Responses.protobuf(bytes).object();
        } else {
            Codec.Format codecFormat = format == BodyFormat.YAML ? Codec.Format.YAML : Codec.Format.JSON;
            Decoded<JsonNode> tree;
            try {
                tree = codec.readTree(bytes, codecFormat);
            } catch (MalformedBodyException e) {
                throw ApiException.badRequest("the request body is not valid " + codecFormat + ": " + e.getMessage());
            }
            if (!(tree.value() instanceof ObjectNode o)) {
                throw ApiException.badRequest("the request body must be a JSON object, not " + tree.value().getNodeType());
            }
            object = o;
            problems.addAll(tree.problems());
        }
        return checked(object, problems, type, validation);
    }

    /**
     * Reads a server-side apply configuration: YAML (so JSON too) that must be an object, as
     * kube's apply patcher decodes it ({@code error decoding YAML}), then {@code fieldValidation}.
     */
    Body readApply(byte[] bytes, ResourceType type, WriteOptions.FieldValidation validation, java.util.function.Consumer<ObjectNode> precheck) {
        if (bytes.length == 0) {
            throw ApiException.badRequest("error decoding YAML: the request body is empty; send the applied configuration");
        }
        Decoded<JsonNode> tree;
        try {
            tree = codec.readTree(bytes, Codec.Format.YAML);
        } catch (MalformedBodyException e) {
            throw ApiException.badRequest("error decoding YAML: " + e.getMessage());
        }
        if (!(tree.value() instanceof ObjectNode object)) {
            throw ApiException.badRequest("error decoding YAML: the applied configuration must be an object, not "
                    + (tree.value() == null ? "empty" : tree.value().getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        precheck.accept(object);
        return checked(object, new ArrayList<>(tree.problems()), type, validation);
    }

    private Body checked(ObjectNode object, List<FieldProblem> problems, ResourceType type, WriteOptions.FieldValidation validation) {
        Responses.checkTypeMeta(object, type);
        return checkFields(object, type, validation, problems);
    }

    /**
     * {@code fieldValidation} on an object tree that did not come from a body as it is, such as
     * the result of a patch: unknown fields are an error under Strict, else removed (and a
     * warning under Warn).
     */
    Body checkFields(ObjectNode object, ResourceType type, WriteOptions.FieldValidation validation) {
        return checkFields(object, type, validation, new ArrayList<>());
    }

    private Body checkFields(ObjectNode object, ResourceType type, WriteOptions.FieldValidation validation, List<FieldProblem> problems) {
        Optional<? extends Class<?>> typed = KindClasses.of(type.kind());
        if (typed.isPresent()) {
            try {
                // managedFields[].fieldsV1 is raw JSON in kube (metav1.FieldsV1): its f:/k: keys are no unknown fields
                codec.convert(object, typed.get()).problems().stream()
                        .filter(p -> !(p.path().startsWith("metadata.managedFields[") && p.path().contains(".fieldsV1.")))
                        .forEach(problems::add);
            } catch (MalformedBodyException e) {
                throw ApiException.badRequest(type.kind().kind() + " in version \"" + type.kind().apiVersion() + "\" cannot be handled as a "
                        + type.kind().kind() + ": " + e.getMessage());
            }
        } else {
            strategies.forKind(type.kind()).unknownFields(object).forEach(p -> problems.add(new FieldProblem(FieldProblem.Kind.UNKNOWN, p)));
        }
        if (type.kind().group().isEmpty() && type.kind().kind().equals("Secret")) {
            secretData(object, type);
        }
        if (type.kind().kind().equals("Event") && (type.kind().group().isEmpty() || type.kind().group().equals("events.k8s.io"))) {
            microTime(object, "eventTime", type);
            microTime(object.path("series"), "lastObservedTime", type);
        }
        if (problems.isEmpty()) {
            return new Body(object, List.of());
        }
        if (validation == WriteOptions.FieldValidation.STRICT) {
            throw ApiException.badRequest(new Decoded<>(object, problems).strictError());
        }
        List<String> warnings = new ArrayList<>();
        for (FieldProblem p : problems) {
            if (p.kind() == FieldProblem.Kind.UNKNOWN) {
                remove(object, p.path());
            }
            if (validation == WriteOptions.FieldValidation.WARN) {
                warnings.add(p.message());
            }
        }
        return new Body(object, warnings);
    }

    /**
     * A Secret's {@code data} is {@code []byte} in Go, so kube's JSON decoder rejects a value that
     * is not base64 with 400 before validation runs; fabric8 reads it as a string, so we check.
     */
    private static void secretData(ObjectNode secret, ResourceType type) {
        for (var e : secret.path("data").properties()) {
            int bad = badBase64At(e.getValue().asString(""));
            if (bad >= 0) {
                throw ApiException.badRequest(type.kind().kind() + " in version \"" + type.kind().apiVersion() + "\" cannot be handled as a "
                        + type.kind().kind() + ": illegal base64 data at input byte " + bad);
            }
        }
    }

    /**
     * An Event's {@code eventTime} and {@code series.lastObservedTime} are {@code metav1.MicroTime}:
     * kube's decoder reads only RFC 3339 with six fraction digits ({@code RFC3339Micro}) and
     * refuses anything else with 400 before validation; fabric8 reads any ISO instant, so we check.
     * A value kube let in would make every Go client fail to decode the list it is in.
     */
    private static void microTime(tools.jackson.databind.JsonNode parent, String field, ResourceType type) {
        tools.jackson.databind.JsonNode value = parent.path(field);
        if (value.isString() && !EventsV1Conversion.isMicroTime(value.stringValue())) {
            throw ApiException.badRequest(type.kind().kind() + " in version \"" + type.kind().apiVersion() + "\" cannot be handled as a "
                    + type.kind().kind() + ": parsing time \"" + value.stringValue() + "\" as \"2006-01-02T15:04:05.000000Z07:00\": "
                    + field + " must be RFC 3339 with six fraction digits (microseconds), such as 2024-05-01T10:00:00.000000Z");
        }
    }

    /** Where Go's {@code base64.StdEncoding} would stop on a value (line breaks skipped), or -1 if it decodes. */
    static int badBase64At(String value) {
        String text = value.replace("\r", "").replace("\n", "");
        int padding = text.indexOf('=');
        int end = padding < 0 ? text.length() : padding;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return i;
            }
        }
        try {
            java.util.Base64.getDecoder().decode(text);
            return -1;
        } catch (IllegalArgumentException e) {
            return Math.max(0, end - end % 4);
        }
    }

    /** Removes the field at a kube field path ({@code spec.containers[0].foo}) from the tree. */
    static void remove(ObjectNode root, String path) {
        List<String> segments = new ArrayList<>();
        Matcher m = SEGMENT.matcher(path);
        while (m.find()) {
            segments.add(m.group(1) != null ? m.group(1) : "#" + m.group(2));
        }
        JsonNode node = root;
        for (int i = 0; i < segments.size() - 1 && node != null; i++) {
            String s = segments.get(i);
            node = s.startsWith("#") && node instanceof ArrayNode a ? a.get(Integer.parseInt(s.substring(1))) : node.get(s);
        }
        if (node instanceof ObjectNode parent && !segments.isEmpty()) {
            parent.remove(segments.getLast());
        }
    }
}
