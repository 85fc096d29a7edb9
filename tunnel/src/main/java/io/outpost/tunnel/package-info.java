/**
 * The cloud-edge protocol (ARCHITECTURE.md, "Cloud-edge tunnel"): one WebSocket from the agent
 * to the server's API port over mTLS, carrying one sealed hierarchy of frames. Downstream, the
 * node's projection of desired state as ordered changes tagged with store revisions; upstream,
 * coalesced status, lease renewals and events.
 */
package io.outpost.tunnel;
