package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.List;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Statuses;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.apiserver.watchcache.WatchCache;
import io.outpost.apiserver.watchcache.WatchCaches;
import io.outpost.store.StoreException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * GET on a collection: kube-apiserver's list with its resourceVersion semantics.
 *
 * <ul>
 *   <li>{@code resourceVersion} "0" (any state) is served from the resource's watch cache, with
 *       selectors and without paging: {@code limit} is ignored, as kube-apiserver does for such
 *       lists from its cache. "" is a consistent read from the store (kube 1.31+ serves it from
 *       the cache once the cache reaches the store's revision; not done here).
 *       {@code N} (NotOlderThan) reads the latest state from the store, and {@code N} with
 *       {@code resourceVersionMatch=Exact} reads the state at N. N beyond the store's revision is
 *       504 Timeout {@code Too large resource version} at once (kube first waits up to 3 s).
 *       A compacted N is 410 Expired.</li>
 *   <li>{@code limit} pages: every page is read at the first page's revision, selectors filter
 *       while paging (a page is filled from further keys when items do not match), and
 *       {@code metadata.continue} names where the next page starts ({@link ContinueTokens}). A
 *       token whose revision was compacted is 410 Expired.</li>
 *   <li>The answer is {@code <Kind>List} with {@code metadata.resourceVersion}, items carrying
 *       kind and apiVersion.</li>
 * </ul>
 *
 * Thread model: as {@link Registry}.
 */
final class Lists {

    static final String CONTINUE_EXPIRED = "The provided continue parameter is too old to display a consistent list result. "
            + "You can start a new list without the continue parameter.";
    static final String LIST_TOO_OLD = "The resourceVersion for the provided list is too old.";

    private static final int FETCH_ALL_PAGE = 500;

    private final ObjectStore store;
    private final WatchCaches caches;

    Lists(ObjectStore store, WatchCaches caches) {
        this.store = store;
        this.caches = caches;
    }

    /** Where a list starts: the revision to read at (0: latest) and the first key (null: the prefix). */
    private record Start(long revision, String startKey) {
    }

    /** One page of matching objects and where the next starts (null if none). */
    private record Result(List<Versioned> items, long revision, String nextKey) {
    }

    ApiResponse list(ApiRequest request, Target target) {
        ResourceType type = target.type();
        Selection selection = Selection.from(request, target);
        String prefix = type.keyPrefix(target.namespace());
        int limit = limit(request);
        String token = request.param("continue").orElse("");
        Start start = start(request, token, prefix);
        if (token.isEmpty() && request.param("resourceVersion").orElse("").equals("0")) {
            return fromCache(type, selection, prefix);
        }
        Result result;
        try {
            result = read(store, prefix, selection, start, limit);
        } catch (StoreException.Compacted e) {
            throw ApiException.expired(token.isEmpty() ? LIST_TOO_OLD : CONTINUE_EXPIRED);
        }
        ObjectNode list = listObject(type, result.revision());
        if (result.nextKey() != null) {
            ObjectMeta.meta(list).put("continue", ContinueTokens.encode(result.revision(), result.nextKey(), prefix));
        }
        ArrayNode items = list.putArray("items");
        for (Versioned v : result.items()) {
            items.add(ObjectMeta.withTypeMeta(v.object(), type));
        }
        return Responses.json(200, list);
    }

    /** A list at resourceVersion "0": the cache's state, selected; every item (kube ignores limit here). */
    private ApiResponse fromCache(ResourceType type, Selection selection, String prefix) {
        WatchCache.Snapshot snapshot;
        try {
            snapshot = caches.of(type).snapshot(prefix, 0).orElseThrow(() -> new ApiException(504, "Timeout",
                    "the watch cache of " + type.plural() + " is still listing; try again", Statuses.Details.NONE));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.internal("interrupted while reading the watch cache");
        }
        ObjectNode list = listObject(type, snapshot.revision());
        ArrayNode items = list.putArray("items");
        for (Versioned v : snapshot.items()) {
            if (selection.matches(v.object())) {
                items.add(ObjectMeta.withTypeMeta(v.object(), type));
            }
        }
        return Responses.json(200, list);
    }

    /** 504 Timeout as kube-apiserver answers a resourceVersion the server has not reached. */
    static ApiException tooLargeResourceVersion(long requested, long current) {
        return new ApiException(504, "Timeout", "Too large resource version: " + requested + ", current: " + current,
                new Statuses.Details(null, null, null, List.of(new Statuses.Cause("ResourceVersionTooLarge", "Too large resource version", null))));
    }

    /** Every object a deletecollection request selects, at the latest revision. */
    static List<Versioned> selectAll(ObjectStore store, ApiRequest request, Target target) {
        Selection selection = Selection.from(request, target);
        return read(store, target.type().keyPrefix(target.namespace()), selection, new Start(0, null), 0).items();
    }

    /** An empty {@code <Kind>List} at {@code revision}. */
    static ObjectNode listObject(ResourceType type, long revision) {
        ObjectNode list = Responses.JSON.createObjectNode();
        list.put("kind", type.kind().kind() + "List");
        list.put("apiVersion", type.kind().apiVersion());
        list.putObject("metadata").put("resourceVersion", Long.toString(revision));
        return list;
    }

    /** Reads up to {@code limit} (0: all) matching objects from {@code start}, one snapshot. */
    private static Result read(ObjectStore store, String prefix, Selection selection, Start start, int limit) {
        List<Versioned> items = new ArrayList<>();
        long revision = start.revision();
        String from = start.startKey();
        int pageSize = limit > 0 ? limit : FETCH_ALL_PAGE;
        while (true) {
            ObjectStore.Page page = store.list(prefix, from, pageSize, revision);
            revision = page.revision();
            List<Versioned> got = page.items();
            for (int i = 0; i < got.size(); i++) {
                Versioned v = got.get(i);
                if (selection.matches(v.object())) {
                    items.add(v);
                    if (limit > 0 && items.size() == limit) {
                        boolean more = i + 1 < got.size() || page.more();
                        return new Result(items, revision, more ? v.key() + '\0' : null);
                    }
                }
            }
            if (!page.more()) {
                return new Result(items, revision, null);
            }
            from = got.getLast().key() + '\0';
        }
    }

    private Start start(ApiRequest request, String token, String prefix) {
        String rv = request.param("resourceVersion").orElse("");
        String match = request.param("resourceVersionMatch").orElse("");
        if (!token.isEmpty()) {
            if (!rv.isEmpty()) {
                throw ApiException.badRequest("specifying resource version is not allowed when using continue");
            }
            ContinueTokens.Position p = ContinueTokens.decode(token, prefix);
            return new Start(p.revision(), p.startKey());
        }
        if (!match.isEmpty() && !match.equals("Exact") && !match.equals("NotOlderThan")) {
            throw ApiException.badRequest("resourceVersionMatch: Unsupported value: \"" + match + "\": supported values: \"Exact\", \"NotOlderThan\"");
        }
        if (!match.isEmpty() && rv.isEmpty()) {
            throw ApiException.badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
        }
        if (rv.isEmpty() || rv.equals("0")) {
            if (match.equals("Exact")) {
                throw ApiException.badRequest("resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"");
            }
            return new Start(0, null);
        }
        long revision = parseResourceVersion(rv);
        long current = store.currentRevision();
        if (revision > current) {
            throw tooLargeResourceVersion(revision, current);
        }
        return new Start(match.equals("Exact") ? revision : 0, null);
    }

    static long parseResourceVersion(String rv) {
        try {
            long revision = Long.parseLong(rv);
            if (revision < 0) {
                throw new NumberFormatException();
            }
            return revision;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid resource version: \"" + rv + "\"");
        }
    }

    private static int limit(ApiRequest request) {
        String limit = request.param("limit").orElse("");
        if (limit.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(limit));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be an integer, not \"" + limit + "\"");
        }
    }
}
