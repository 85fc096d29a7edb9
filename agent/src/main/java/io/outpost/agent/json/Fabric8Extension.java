package io.outpost.agent.json;

import java.util.Map;

import tools.jackson.jr.ob.JacksonJrExtension;
import tools.jackson.jr.ob.api.ExtensionContext;
import tools.jackson.jr.ob.api.ReaderWriterModifier;
import tools.jackson.jr.ob.api.ReaderWriterProvider;
import tools.jackson.jr.ob.api.ValueReader;
import tools.jackson.jr.ob.api.ValueWriter;
import tools.jackson.jr.ob.impl.BeanPropertyIntrospector;
import tools.jackson.jr.ob.impl.JSONReader;
import tools.jackson.jr.ob.impl.JSONWriter;
import tools.jackson.jr.ob.impl.POJODefinition;

/**
 * Binds jackson-jr to fabric8's model: the value types ({@link ValueTypes}), scalars read as
 * strictly as the Codec reads them ({@link StrictScalars}), fabric8's property names for reading
 * ({@link Fabric8Properties}), fabric8 objects written as the Codec writes them
 * ({@link BeanWriter}), and maps written with sorted keys ({@link SortedMapWriter}). Lists, and
 * maps read, are jackson-jr's own.
 *
 * <p>Thread model: registered once; jackson-jr calls the hooks from any thread while it resolves
 * a type (it caches what they return).
 */
final class Fabric8Extension extends JacksonJrExtension {

    @Override
    protected void register(ExtensionContext ctxt) {
        ctxt.insertProvider(new ReaderWriterProvider() {
            @Override
            public ValueReader findValueReader(JSONReader reader, Class<?> type) {
                ValueReader custom = ValueTypes.reader(type);
                return custom != null ? custom : StrictScalars.reader(type);
            }

            @Override
            public ValueWriter findValueWriter(JSONWriter writer, Class<?> type) {
                ValueWriter custom = ValueTypes.writer(type);
                if (custom != null) {
                    return custom;
                }
                if (Map.class.isAssignableFrom(type)) {
                    return new SortedMapWriter(type);
                }
                return Fabric8Properties.isModel(type) ? new BeanWriter(type) : null;
            }
        });
        ctxt.insertModifier(new ReaderWriterModifier() {
            @Override
            public POJODefinition pojoDefinitionForDeserialization(JSONReader reader, Class<?> type) {
                if (!Fabric8Properties.isModel(type)) {
                    return null;
                }
                POJODefinition derived = BeanPropertyIntrospector.instance()
                        .pojoDefinitionForDeserialization(reader, type);
                return Fabric8Properties.forReading(derived, type);
            }
        });
    }
}
