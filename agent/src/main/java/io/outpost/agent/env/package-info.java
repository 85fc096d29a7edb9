/**
 * Kubelet's environment and downward API: {@code $(VAR)} expansion, env and envFrom resolution
 * from ConfigMaps, Secrets, the pod's fields and its containers' resources. Pure functions over
 * the pod and what {@link io.outpost.agent.state.DesiredState} holds.
 */
package io.outpost.agent.env;
