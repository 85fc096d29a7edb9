package io.outpost.agent.json;

import java.util.Map;

import tools.jackson.jr.ob.JacksonJrExtension;
import tools.jackson.jr.ob.api.ExtensionContext;
import tools.jackson.jr.ob.api.ReaderWriterProvider;
import tools.jackson.jr.ob.api.ValueReader;
import tools.jackson.jr.ob.api.ValueWriter;
import tools.jackson.jr.ob.impl.JSONReader;
import tools.jackson.jr.ob.impl.JSONWriter;

/**
 * Binds jackson-jr to fabric8's model through its one extension point, a
 * {@link ReaderWriterProvider}: fabric8 objects read ({@link BeanReader}) and written
 * ({@link BeanWriter}) by their {@link Fabric8Properties}, the value types
 * ({@link ValueTypes}), scalars as strictly as the Codec reads them ({@link StrictScalars}), and
 * maps written with sorted keys ({@link SortedMapWriter}). jackson-jr keeps the streaming, the
 * writing of lists and scalars, and the plain reading of {@link AgentJson#plain}; its own bean
 * introspection is never asked for a fabric8 class (see {@link Fabric8Properties} for why).
 *
 * <p>Thread model: registered once; jackson-jr calls the provider from any thread while it
 * resolves a type, and caches what it returns.
 */
final class Fabric8Extension extends JacksonJrExtension {

    @Override
    protected void register(ExtensionContext ctxt) {
        ctxt.insertProvider(new ReaderWriterProvider() {
            @Override
            public ValueReader findValueReader(JSONReader reader, Class<?> type) {
                return TypeReaders.of(type);
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
    }
}
