/**
 * The agent's internal contract between the sync layer (tunnel client + local store) and the pod
 * workers: {@link io.outpost.agent.state.DesiredState} flows down, {@link
 * io.outpost.agent.state.StatusSink} flows up.
 */
package io.outpost.agent.state;
