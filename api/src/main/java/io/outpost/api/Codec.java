package io.outpost.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * JSON and YAML in and out, as kube-apiserver reads and writes them: nulls omitted, map keys
 * sorted (Go's encoder sorts them), no coercion of a string into a number or boolean (Go refuses
 * it), trailing content after the object refused. Decoding into a fabric8 class drops unknown
 * fields and reports them with duplicate fields (see {@link Decoded}), so the caller can apply
 * {@code fieldValidation} Strict, Warn or Ignore.
 *
 * <p>Thread model: immutable; one instance is shared by every request thread.
 */
public final class Codec {

    /** The body formats objects are decoded from. */
    public enum Format {
        JSON, YAML;

        /**
         * The format of a Content-Type: {@code application/json}, {@code application/yaml} and
         * their {@code +json}/{@code +yaml} suffixes ({@code application/apply-patch+yaml}).
         */
        public static Optional<Format> ofContentType(String contentType) {
            String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (type.equals("application/json") || type.endsWith("+json")) {
                return Optional.of(JSON);
            }
            if (type.equals("application/yaml") || type.endsWith("+yaml")) {
                return Optional.of(YAML);
            }
            return Optional.empty();
        }
    }

    private final ObjectMapper json = configure(JsonMapper.builder()).build();

    /**
     * The YAML mapper, made on first use: the agent never reads or writes YAML, and SnakeYAML with
     * Jackson's YAML module would otherwise stay loaded in it.
     */
    private static final class Yaml {
        static final ObjectMapper MAPPER = configure(YAMLMapper.builder()
                .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
                .enable(YAMLWriteFeature.MINIMIZE_QUOTES)).build();
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
        return builder
                .changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.NON_NULL))
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .annotationIntrospector(UnknownFields.INTROSPECTOR)
                .addHandler(UnknownFields.HANDLER);
    }

    /** The JSON mapper, for callers that build trees. */
    public ObjectMapper json() {
        return json;
    }

    public byte[] toJson(Object value) {
        return json.writeValueAsBytes(value);
    }

    public String toYaml(Object value) {
        return Yaml.MAPPER.writeValueAsString(value);
    }

    /** An object as a tree, written as {@link #toJson} would write it. */
    public JsonNode toTree(Object value) {
        return json.valueToTree(value);
    }

    /**
     * A body as a tree, with its duplicate fields (the last value wins in the tree).
     *
     * @throws MalformedBodyException if it is not one well-formed JSON or YAML document
     */
    public Decoded<JsonNode> readTree(byte[] body, Format format) {
        ObjectMapper mapper = mapper(format);
        try {
            List<FieldProblem> duplicates = scanDuplicates(mapper, body);
            JsonNode tree = mapper.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw new MalformedBodyException("the request body is empty", null);
            }
            return new Decoded<>(tree, duplicates);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /**
     * A body as a typed object: duplicates and unknown fields are reported, unknown fields
     * dropped.
     *
     * @throws MalformedBodyException if it is not well-formed, or a value has the wrong type
     */
    public <T> Decoded<T> decode(byte[] body, Format format, Class<T> type) {
        ObjectMapper mapper = mapper(format);
        try {
            List<FieldProblem> problems = scanDuplicates(mapper, body);
            try (JsonParser parser = mapper.createParser(body)) {
                return new Decoded<>(read(mapper, parser, type, problems), problems);
            }
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /**
     * A tree (a patched object, say) as a typed object, reporting and dropping unknown fields.
     *
     * @throws MalformedBodyException if a value has the wrong type
     */
    public <T> Decoded<T> convert(JsonNode tree, Class<T> type) {
        List<FieldProblem> problems = new ArrayList<>();
        try (JsonParser parser = json.treeAsTokens(tree)) {
            return new Decoded<>(read(json, parser, type, problems), problems);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    private static <T> T read(ObjectMapper mapper, JsonParser parser, Class<T> type, List<FieldProblem> problems) {
        T value = mapper.readerFor(type).withAttribute(UnknownFields.PROBLEMS, problems).readValue(parser);
        if (value == null) {
            throw new MalformedBodyException("the request body is empty or null", null);
        }
        return value;
    }

    private static List<FieldProblem> scanDuplicates(ObjectMapper mapper, byte[] body) {
        try (JsonParser parser = mapper.createParser(body)) {
            return new ArrayList<>(FieldPaths.duplicates(parser));
        }
    }

    private ObjectMapper mapper(Format format) {
        return format == Format.JSON ? json : Yaml.MAPPER;
    }

    private static MalformedBodyException malformed(JacksonException e) {
        String path = e.getPath().isEmpty() ? "" : " at " + pathOf(e.getPath());
        return new MalformedBodyException(e.getOriginalMessage() + path, e);
    }

    private static String pathOf(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference r : references) {
            if (r.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return "\"" + path + "\"";
    }
}
