/**
 * The node's status as kubelet reports it ({@code pkg/kubelet/nodestatus}): capacity and
 * allocatable from the host, conditions, addresses, {@code nodeInfo}, and the labels and
 * annotations the agent owns (architecture, OS, hostname, runtime, link quality).
 */
package io.outpost.agent.node;
