package io.outpost.apiserver.registry;

import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.Preconditions;
import io.outpost.apiserver.storage.PreconditionFailed;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.store.StoreException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps what earlier versions stored readable once a resource became a {@link StorageView}:
 * <ul>
 *   <li>objects stored under the view's own key ({@code /registry/events.k8s.io/events/...}, where
 *       events.k8s.io Events were kept apart before) are moved to the storage resource's key in its
 *       schema, so both APIs see them; if the storage already has an object of that name, it wins
 *       (it is the one core clients have been seeing) and the old copy is dropped;</li>
 *   <li>stored objects the conversion rewrites ({@code upgradeStored}: an old agent's nanosecond
 *       {@code eventTime}) are rewritten, each with a compare-and-set on the revision read.</li>
 * </ul>
 * Idempotent: run at every start (several servers on one etcd may run it at once: each move is a
 * create-if-absent and a delete of the revision read). Objects moved keep name, uid and metadata;
 * their resourceVersion is the move's revision.
 *
 * <p>Thread model: runs once on the starting thread, before serving.
 */
final class ViewMigration {

    private static final Logger LOG = LoggerFactory.getLogger(ViewMigration.class);
    private static final int PAGE = 500;

    private ViewMigration() {
    }

    static void run(ObjectStore store, StorageView view) {
        int[] moved = {0};
        each(store, view.view().keyPrefix(), old -> {
            ObjectNode converted = view.conversion().toStorage(old.object());
            ObjectNode upgraded = view.conversion().upgradeStored(converted).orElse(converted);
            String key = view.storage().key(ObjectMeta.namespace(upgraded), ObjectMeta.name(upgraded));
            try {
                store.create(key, ObjectMeta.withTypeMeta(upgraded, view.storage()));
                moved[0]++;
            } catch (StoreException.AlreadyExists e) {
                LOG.warn("{} {}/{} exists in both {} and {}: keeping the {} one", view.storage().kind().kind(), ObjectMeta.namespace(upgraded),
                        ObjectMeta.name(upgraded), view.view().kind().apiVersion(), view.storage().kind().apiVersion(),
                        view.storage().kind().apiVersion());
            }
            try {
                store.delete(old.key(), new Preconditions(null, Long.toString(old.revision())), o -> null);
            } catch (StoreException.NotFound | StoreException.Conflict | PreconditionFailed e) {
                // another server moved it first
            }
        });
        int[] upgraded = {0};
        each(store, view.storage().keyPrefix(), stored -> {
            Optional<ObjectNode> better = view.conversion().upgradeStored(stored.object());
            if (better.isPresent()) {
                try {
                    store.guaranteedUpdate(stored.key(), false, new Preconditions(null, Long.toString(stored.revision())),
                            current -> view.conversion().upgradeStored(current.object()).orElse(current.object()));
                    upgraded[0]++;
                } catch (StoreException.NotFound | PreconditionFailed e) {
                    // changed or gone since we read it: whoever wrote it decides
                }
            }
        });
        if (moved[0] + upgraded[0] > 0) {
            LOG.info("moved {} {} from {} to the {} storage they share; rewrote {} stored in an older form", moved[0],
                    view.view().plural(), view.view().kind().apiVersion(), view.storage().kind().apiVersion(), upgraded[0]);
        }
    }

    /** Every object under {@code prefix}, a page at a time (the latest state of each page). */
    private static void each(ObjectStore store, String prefix, Consumer<Versioned> action) {
        String from = null;
        while (true) {
            ObjectStore.Page page = store.list(prefix, from, PAGE, 0);
            page.items().forEach(action);
            if (!page.more() || page.items().isEmpty()) {
                return;
            }
            from = page.items().getLast().key() + '\0';
        }
    }
}
