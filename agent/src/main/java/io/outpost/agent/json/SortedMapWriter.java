package io.outpost.agent.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.jr.ob.api.ValueWriter;
import tools.jackson.jr.ob.impl.JSONWriter;

/**
 * Writes a map with its keys sorted, as Go's encoder writes a map and the API's {@code Codec}
 * does ({@code ORDER_MAP_ENTRIES_BY_KEYS}), so that the same labels give the same bytes whatever
 * map holds them. A null value is written as null, as the Codec writes it.
 *
 * <p>Thread model: stateless.
 */
final class SortedMapWriter implements ValueWriter {

    private final Class<?> type;

    SortedMapWriter(Class<?> type) {
        this.type = type;
    }

    @Override
    public void writeValue(JSONWriter context, JsonGenerator g, Object value) throws JacksonException {
        Map<?, ?> map = (Map<?, ?>) value;
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
        g.writeStartObject(map);
        for (Map.Entry<?, ?> e : entries) {
            g.writeName(String.valueOf(e.getKey()));
            context.writeValue(e.getValue());
        }
        g.writeEndObject();
    }

    @Override
    public Class<?> valueType() {
        return type;
    }
}
