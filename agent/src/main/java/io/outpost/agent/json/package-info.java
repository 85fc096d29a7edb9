/**
 * The agent's JSON ({@link io.outpost.agent.json.AgentJson}): fabric8's model objects read from
 * and written to JSON by jackson-jr, exactly as the API's {@code Codec} (Jackson databind over
 * fabric8's annotations) reads and writes them, for a fraction of databind's resident memory. The
 * server keeps the Codec; the agent must never load databind on the paths it runs with its pods.
 */
package io.outpost.agent.json;
