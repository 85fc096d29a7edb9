/**
 * The typed storage layer: Kubernetes objects (Jackson trees) over the byte-level
 * {@link io.outpost.store.KvStore}, with {@code guaranteedUpdate} ("tryUpdate may run more than
 * once") and preconditions, as kube-apiserver's {@code storage.Interface}.
 */
package io.outpost.apiserver.storage;
