package io.outpost.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.scheduler.framework.Framework;
import io.outpost.scheduler.framework.Plugin;
import io.outpost.scheduler.framework.Status;
import io.outpost.testing.FakeClock;

class SchedulerConfigurationTest {

    static final String HEADER = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";

    static Framework only(String yaml) {
        var frameworks = SchedulerConfiguration.parse(HEADER + yaml).frameworks(PluginRegistry.inTree(),
                new FakeClock(), (pod, node) -> Status.SUCCESS);
        assertThat(frameworks).hasSize(1);
        return frameworks.get(0);
    }

    @Test
    void theDefaultProfileRunsEveryPluginWhereItBelongsWithKubesWeights() {
        Framework f = SchedulerConfiguration.defaultConfiguration().frameworks(PluginRegistry.inTree(),
                new FakeClock(), (pod, node) -> Status.SUCCESS).get(0);
        assertThat(f.schedulerName()).isEqualTo("default-scheduler");
        assertThat(f.plugins().filter()).extracting(Plugin::name).containsExactly("NodeUnschedulable", "NodeName",
                "TaintToleration", "NodeReachability", "Architecture", "NodeAffinity", "NodePorts",
                "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity");
        assertThat(f.plugins().score()).extracting(s -> s.plugin().name() + "=" + s.weight()).containsExactly(
                "TaintToleration=3", "NodeAffinity=2", "NodeResourcesFit=1", "NodeResourcesBalancedAllocation=1", "PodTopologySpread=2",
                "InterPodAffinity=2", "ImageLocality=1", "LinkQuality=1", "SitePlacement=1");
        assertThat(f.plugins().postFilter()).extracting(Plugin::name).containsExactly("DefaultPreemption");
        assertThat(f.plugins().bind()).extracting(Plugin::name).containsExactly("DefaultBinder");
    }

    @Test
    void aScorePluginsWeightIsSetAndOthersDisabled() {
        Framework f = only("""
                profiles:
                - schedulerName: edge
                  plugins:
                    score:
                      disabled:
                      - name: "*"
                      enabled:
                      - name: LinkQuality
                        weight: 5
                      - name: NodeResourcesFit
                """);
        assertThat(f.schedulerName()).isEqualTo("edge");
        assertThat(f.plugins().score()).extracting(s -> s.plugin().name() + "=" + s.weight())
                .containsExactly("LinkQuality=5", "NodeResourcesFit=1");
        assertThat(f.plugins().filter()).hasSize(10);
    }

    @Test
    void multiPointDisablesAPluginAtEveryExtensionPoint() {
        Framework f = only("""
                profiles:
                - plugins:
                    multiPoint:
                      disabled:
                      - name: PodTopologySpread
                """);
        assertThat(f.plugins().preFilter()).extracting(Plugin::name).doesNotContain("PodTopologySpread");
        assertThat(f.plugins().filter()).extracting(Plugin::name).doesNotContain("PodTopologySpread");
        assertThat(f.plugins().score()).extracting(s -> s.plugin().name()).doesNotContain("PodTopologySpread");
    }

    @Test
    void theAdaptivePercentageOfNodesToScoreIsKubes() {
        Framework f = SchedulerConfiguration.defaultConfiguration().frameworks(PluginRegistry.inTree(),
                new FakeClock(), (pod, node) -> Status.SUCCESS).get(0);
        assertThat(f.feasibleNodesToFind(50)).isEqualTo(50);
        assertThat(f.feasibleNodesToFind(1000)).isEqualTo(420);
        assertThat(f.feasibleNodesToFind(5000)).isEqualTo(500);
        assertThat(f.feasibleNodesToFind(100_000)).isEqualTo(5000);
    }

    record Bad(String name, String yaml, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> bad() {
        return Stream.of(
                new Bad("An unknown plugin is named with its field path",
                        "profiles:\n- plugins:\n    score:\n      enabled:\n      - name: Foo\n",
                        "profiles[0].plugins.score.enabled[0].name: Unsupported plugin \"Foo\""),
                new Bad("A plugin enabled where it has no extension point",
                        "profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: LinkQuality\n",
                        "profiles[0].plugins.filter.enabled: Invalid value: \"LinkQuality\": plugin does not implement the filter extension point"),
                new Bad("A weight out of range", "profiles:\n- plugins:\n    score:\n      enabled:\n      - name: LinkQuality\n        weight: 101\n",
                        "profiles[0].plugins.score.enabled[0].weight: Invalid value: 101"),
                new Bad("Bad plugin args name the plugin",
                        "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: Best\n",
                        "profiles[0].pluginConfig[NodeResourcesFit].args.scoringStrategy.type: Unsupported value: \"Best\""),
                new Bad("A percentage over 100", "percentageOfNodesToScore: 120\n",
                        "percentageOfNodesToScore: Invalid value: 120"));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void aBadConfigurationIsRefusedNamingTheField(Bad c) {
        assertThatThrownBy(() -> only(c.yaml())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(c.message());
    }

    @Test
    void aFileOfAnotherKindIsRefused() {
        assertThatThrownBy(() -> SchedulerConfiguration.parse("apiVersion: v1\nkind: ConfigMap\n"))
                .hasMessageContaining("apiVersion: Unsupported value: \"v1\"");
    }

    @Test
    void twoProfilesWithOneSchedulerNameAreRefusedNamingTheSecond() {
        var config = SchedulerConfiguration.parse(HEADER + "profiles:\n- schedulerName: a\n- schedulerName: a\n");
        assertThatThrownBy(() -> config.frameworks(PluginRegistry.inTree(), new FakeClock(), (pod, node) -> Status.SUCCESS))
                .hasMessage("profiles[1].schedulerName: Duplicate value: \"a\"");
    }

    @Test
    void theSchedulerRefusesTwoFrameworksWithOneNameToo() {
        var frameworks = new java.util.ArrayList<Framework>();
        frameworks.addAll(SchedulerConfiguration.defaultConfiguration().frameworks(PluginRegistry.inTree(), new FakeClock(),
                (pod, node) -> Status.SUCCESS));
        frameworks.addAll(SchedulerConfiguration.defaultConfiguration().frameworks(PluginRegistry.inTree(), new FakeClock(),
                (pod, node) -> Status.SUCCESS));
        assertThatThrownBy(() -> new Scheduler(new Scheduler.Config(frameworks, new SchedulerCache(), null, null,
                PodConditionWriter.NONE, new FakeClock(), Runnable::run)))
                .hasMessageContaining("two profiles have schedulerName default-scheduler");
    }

    @Test
    void aBlankSchedulerNameIsRequired() {
        var config = SchedulerConfiguration.parse(HEADER + "profiles:\n- schedulerName: \"\"\n");
        assertThatThrownBy(() -> config.frameworks(PluginRegistry.inTree(), new FakeClock(), (pod, node) -> Status.SUCCESS))
                .hasMessage("profiles[0].schedulerName: Required value");
    }
}
