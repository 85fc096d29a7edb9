package io.outpost.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.outpost.store.StoreException;
import io.outpost.store.memory.InMemoryKvStore;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ObjectStoreTest {

    private static final String KEY = "/registry/core/configmaps/default/a";

    private final InMemoryKvStore kv = new InMemoryKvStore();
    private final ObjectStore store = new ObjectStore(kv);

    private static ObjectNode object(String json) {
        return (ObjectNode) JsonMapper.builder().build().readTree(json.replace('\'', '"'));
    }

    @Test
    void theResourceVersionIsTheRevisionAndIsNotStored() {
        Versioned created = store.create(KEY, object("{'metadata':{'name':'a','resourceVersion':'77'}}"));
        assertThat(created.object().path("metadata").path("resourceVersion").asString()).isEqualTo(Long.toString(created.revision()));
        assertThat(new String(kv.get(KEY).orElseThrow().value())).doesNotContain("resourceVersion");
    }

    @Test
    void tryUpdateRunsAgainOnTheNewerObjectWhenAnotherWriterWinsTheRace() {
        store.create(KEY, object("{'metadata':{'name':'a'},'data':{'n':'0'}}"));
        AtomicInteger runs = new AtomicInteger();
        Versioned result = store.guaranteedUpdate(KEY, false, Preconditions.NONE, current -> {
            if (runs.incrementAndGet() == 1) {
                // another writer updates between our read and our write
                store.guaranteedUpdate(KEY, false, Preconditions.NONE, c -> {
                    c.object().withObjectProperty("data").put("other", "x");
                    return c.object();
                });
            }
            current.object().withObjectProperty("data").put("n", "1");
            return current.object();
        });
        assertThat(runs.get()).isEqualTo(2);
        assertThat(result.object().path("data").toString()).isEqualTo("{\"n\":\"1\",\"other\":\"x\"}");
    }

    @Test
    void anUpdateThatChangesNothingIsNotWritten() {
        Versioned created = store.create(KEY, object("{'metadata':{'name':'a'}}"));
        Versioned same = store.guaranteedUpdate(KEY, false, Preconditions.NONE, Versioned::object);
        assertThat(same.revision()).isEqualTo(created.revision());
        assertThat(kv.currentRevision()).isEqualTo(created.revision());
    }

    @Test
    void aMissingKeyIsNotFoundUnlessCreatingIsAllowed() {
        assertThatThrownBy(() -> store.guaranteedUpdate(KEY, false, Preconditions.NONE, Versioned::object))
                .isInstanceOf(StoreException.NotFound.class);
        Versioned created = store.guaranteedUpdate(KEY, true, Preconditions.NONE, current -> object("{'metadata':{'name':'a'}}"));
        assertThat(created.revision()).isPositive();
    }

    @Test
    void aFailedPreconditionStopsTheWrite() {
        store.create(KEY, object("{'metadata':{'name':'a','uid':'u1'}}"));
        assertThatThrownBy(() -> store.delete(KEY, new Preconditions("u2", null), o -> null))
                .isInstanceOf(PreconditionFailed.class)
                .hasMessage("Precondition failed: UID in precondition: u2, UID in object meta: u1");
        assertThat(kv.get(KEY)).isPresent();
    }

    @Test
    void aDeletedObjectCarriesTheDeletionsRevision() {
        store.create(KEY, object("{'metadata':{'name':'a'}}"));
        ObjectStore.Deletion d = store.delete(KEY, Preconditions.NONE, o -> null);
        assertThat(d.removed()).isTrue();
        assertThat(d.object().revision()).isEqualTo(kv.currentRevision());
        assertThat(kv.get(KEY)).isEmpty();
    }
}
