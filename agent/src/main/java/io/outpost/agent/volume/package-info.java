/**
 * Pod volumes materialised as files under the agent's data dir, kubelet's layout
 * ({@code pods/<uid>/volumes/<plugin>/<name>}). ConfigMap, Secret, downwardAPI and projected
 * volumes are written atomically ({@link io.outpost.agent.volume.AtomicWriter}, kubelet's {@code
 * ..data} symlink swap) and refreshed on every sync, so an updated ConfigMap reaches running pods.
 */
package io.outpost.agent.volume;
