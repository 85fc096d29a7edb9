package io.outpost.scheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.outpost.scheduler.framework.BindPlugin;
import io.outpost.scheduler.framework.Binder;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.Framework;
import io.outpost.scheduler.framework.Plugin;
import io.outpost.scheduler.framework.PluginContext;
import io.outpost.scheduler.framework.PluginFactory;
import io.outpost.scheduler.framework.PodEvicter;
import io.outpost.scheduler.framework.PostFilterPlugin;
import io.outpost.scheduler.framework.PreFilterPlugin;
import io.outpost.scheduler.framework.PreScorePlugin;
import io.outpost.scheduler.framework.ReservePlugin;
import io.outpost.scheduler.framework.ScorePlugin;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The scheduler's configuration file, in the shape of kube's {@code KubeSchedulerConfiguration}
 * ({@code kubescheduler.config.k8s.io/v1}), of which it reads:
 *
 * <pre>
 * apiVersion: kubescheduler.config.k8s.io/v1
 * kind: KubeSchedulerConfiguration
 * percentageOfNodesToScore: 0          # 0 = adaptive, as kube
 * podInitialBackoffSeconds: 1
 * podMaxBackoffSeconds: 10
 * profiles:
 * - schedulerName: default-scheduler
 *   plugins:
 *     multiPoint: {enabled: [{name: X, weight: 2}], disabled: [{name: Y}]}   # every point X implements
 *     score:      {enabled: [{name: LinkQuality, weight: 5}], disabled: [{name: "*"}]}
 *     # likewise preFilter, filter, postFilter, preScore, reserve, bind
 *   pluginConfig:
 *   - name: NodeResourcesFit
 *     args: {scoringStrategy: {type: MostAllocated}}
 * </pre>
 *
 * As kube: each profile starts from the default plugins ({@link #DEFAULT_PLUGINS}, in their order,
 * at every extension point each implements); multiPoint then disables and enables; each extension
 * point then disables (a name or "*") and appends what it enables (a score plugin enabled again
 * only changes its weight). Errors name the field: "profiles[0].plugins.score.enabled[1].name:
 * Unsupported plugin \"Foo\"".
 */
public record SchedulerConfiguration(int percentageOfNodesToScore, Duration podInitialBackoff,
        Duration podMaxBackoff, List<JsonNode> profiles) {

    /** The default multiPoint plugins and score weights (kube's defaults, plus the edge plugins). */
    public static final Map<String, Integer> DEFAULT_PLUGINS = defaults();

    private static final List<String> POINTS = List.of("preFilter", "filter", "postFilter", "preScore", "score",
            "reserve", "bind");

    private static Map<String, Integer> defaults() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("NodeUnschedulable", 1);
        m.put("NodeName", 1);
        m.put("TaintToleration", 3);
        m.put("NodeReachability", 1);
        m.put("Architecture", 1);
        m.put("NodeAffinity", 2);
        m.put("NodePorts", 1);
        m.put("NodeResourcesFit", 1);
        m.put("NodeResourcesBalancedAllocation", 1);
        m.put("PodTopologySpread", 2);
        m.put("InterPodAffinity", 2);
        m.put("ImageLocality", 1);
        m.put("LinkQuality", 1);
        m.put("SitePlacement", 1);
        m.put("DefaultPreemption", 1);
        m.put("DefaultBinder", 1);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** One profile, {@code default-scheduler}, with the default plugins. */
    public static SchedulerConfiguration defaultConfiguration() {
        var profile = JsonNodeFactory.instance.objectNode().put("schedulerName", "default-scheduler");
        return new SchedulerConfiguration(0, Duration.ofSeconds(1), Duration.ofSeconds(10), List.of(profile));
    }

    public static SchedulerConfiguration load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the scheduler configuration: " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static SchedulerConfiguration parse(String yaml) {
        ObjectMapper mapper = YAMLMapper.builder().build();
        JsonNode root;
        try {
            root = mapper.readTree(yaml);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a KubeSchedulerConfiguration object");
        }
        String apiVersion = root.path("apiVersion").asString("");
        if (!apiVersion.equals("kubescheduler.config.k8s.io/v1")) {
            throw new IllegalArgumentException("apiVersion: Unsupported value: \"" + apiVersion
                    + "\": supported values: \"kubescheduler.config.k8s.io/v1\"");
        }
        if (!root.path("kind").asString("").equals("KubeSchedulerConfiguration")) {
            throw new IllegalArgumentException("kind: Unsupported value: \"" + root.path("kind").asString("")
                    + "\": supported values: \"KubeSchedulerConfiguration\"");
        }
        int percentage = root.path("percentageOfNodesToScore").asInt(0);
        if (percentage < 0 || percentage > 100) {
            throw new IllegalArgumentException("percentageOfNodesToScore: Invalid value: " + percentage
                    + ": not in valid range [0-100]");
        }
        long initial = root.path("podInitialBackoffSeconds").asLong(1);
        long max = root.path("podMaxBackoffSeconds").asLong(10);
        if (initial <= 0 || max < initial) {
            throw new IllegalArgumentException("podInitialBackoffSeconds/podMaxBackoffSeconds: Invalid value: "
                    + initial + "/" + max + ": must be greater than 0, and max at least initial");
        }
        List<JsonNode> profiles = new ArrayList<>();
        root.path("profiles").forEach(profiles::add);
        if (profiles.isEmpty()) {
            profiles.add(JsonNodeFactory.instance.objectNode().put("schedulerName", "default-scheduler"));
        }
        return new SchedulerConfiguration(percentage, Duration.ofSeconds(initial), Duration.ofSeconds(max), profiles);
    }

    /** Builds each profile's framework; throws {@link IllegalArgumentException} naming the field. */
    public List<Framework> frameworks(PluginRegistry registry, Clock clock, Binder binder) {
        return frameworks(registry, clock, binder, PodEvicter.NONE);
    }

    /** The same, with the evicter preemption deletes victims through. */
    public List<Framework> frameworks(PluginRegistry registry, Clock clock, Binder binder, PodEvicter evicter) {
        List<Framework> frameworks = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < profiles.size(); i++) {
            Framework f = framework("profiles[" + i + "]", profiles.get(i), registry, clock, binder, evicter);
            // kube's ValidateKubeSchedulerConfiguration: each profile serves its own schedulerName.
            if (!names.add(f.schedulerName())) {
                throw new IllegalArgumentException("profiles[" + i + "].schedulerName: Duplicate value: \""
                        + f.schedulerName() + "\"");
            }
            frameworks.add(f);
        }
        return frameworks;
    }

    private Framework framework(String path, JsonNode profile, PluginRegistry registry, Clock clock, Binder binder,
                                PodEvicter evicter) {
        String schedulerName = profile.path("schedulerName").asString("default-scheduler");
        if (schedulerName.isBlank()) {
            throw new IllegalArgumentException(path + ".schedulerName: Required value");
        }
        Map<String, JsonNode> args = new LinkedHashMap<>();
        JsonNode pluginConfig = profile.path("pluginConfig");
        for (int j = 0; j < pluginConfig.size(); j++) {
            args.put(pluginConfig.get(j).path("name").asString(""), pluginConfig.get(j).path("args"));
        }
        JsonNode plugins = profile.path("plugins");

        Map<String, Integer> multiPoint = new LinkedHashMap<>(DEFAULT_PLUGINS);
        JsonNode mp = plugins.path("multiPoint");
        disable(multiPoint, mp.path("disabled"));
        enable(path + ".plugins.multiPoint", multiPoint, mp.path("enabled"), registry);

        Map<String, Plugin> instances = new LinkedHashMap<>();
        java.util.function.Function<String, Plugin> instance = name -> instances.computeIfAbsent(name, n -> {
            PluginFactory f = registry.get(n);
            JsonNode a = args.getOrDefault(n, JsonNodeFactory.instance.objectNode());
            try {
                return f.create(new PluginContext(a.isMissingNode() ? JsonNodeFactory.instance.objectNode() : a,
                        clock, binder, evicter));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ".pluginConfig[" + n + "].args." + e.getMessage(), e);
            }
        });

        Map<String, Map<String, Integer>> perPoint = new LinkedHashMap<>();
        for (String point : POINTS) {
            Predicate<Plugin> implementsPoint = implementsPoint(point);
            Map<String, Integer> enabled = new LinkedHashMap<>();
            multiPoint.forEach((name, weight) -> {
                if (implementsPoint.test(instance.apply(name))) {
                    enabled.put(name, weight);
                }
            });
            JsonNode set = plugins.path(point);
            disable(enabled, set.path("disabled"));
            enable(path + ".plugins." + point, enabled, set.path("enabled"), registry);
            for (String name : enabled.keySet()) {
                if (!implementsPoint.test(instance.apply(name))) {
                    throw new IllegalArgumentException(path + ".plugins." + point + ".enabled: Invalid value: \""
                            + name + "\": plugin does not implement the " + point + " extension point");
                }
            }
            perPoint.put(point, enabled);
        }
        var score = new ArrayList<Framework.WeightedScore>();
        perPoint.get("score").forEach((name, weight) -> score.add(new Framework.WeightedScore(
                (ScorePlugin) instance.apply(name), weight)));
        return new Framework(schedulerName, new Framework.Plugins(
                list(perPoint.get("preFilter"), instance, PreFilterPlugin.class),
                list(perPoint.get("filter"), instance, FilterPlugin.class),
                list(perPoint.get("postFilter"), instance, PostFilterPlugin.class),
                list(perPoint.get("preScore"), instance, PreScorePlugin.class), score,
                list(perPoint.get("reserve"), instance, ReservePlugin.class),
                list(perPoint.get("bind"), instance, BindPlugin.class)), percentageOfNodesToScore);
    }

    private static Predicate<Plugin> implementsPoint(String point) {
        Class<?> type = switch (point) {
            case "preFilter" -> PreFilterPlugin.class;
            case "filter" -> FilterPlugin.class;
            case "postFilter" -> PostFilterPlugin.class;
            case "preScore" -> PreScorePlugin.class;
            case "score" -> ScorePlugin.class;
            case "reserve" -> ReservePlugin.class;
            default -> BindPlugin.class;
        };
        return type::isInstance;
    }

    private static <T> List<T> list(Map<String, Integer> names, java.util.function.Function<String, Plugin> instance,
            Class<T> type) {
        return names.keySet().stream().map(instance).map(type::cast).toList();
    }

    private static void disable(Map<String, Integer> enabled, JsonNode disabled) {
        for (JsonNode d : disabled) {
            String name = d.path("name").asString("");
            if (name.equals("*")) {
                enabled.clear();
            } else {
                enabled.remove(name);
            }
        }
    }

    private static void enable(String path, Map<String, Integer> enabled, JsonNode list, PluginRegistry registry) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            String name = e.path("name").asString("");
            if (registry.get(name) == null) {
                throw new IllegalArgumentException(path + ".enabled[" + i + "].name: Unsupported plugin \"" + name
                        + "\": known plugins: " + String.join(", ", registry.all().keySet()));
            }
            int weight = e.path("weight").asInt(0);
            if (weight < 0 || weight > 100) {
                throw new IllegalArgumentException(path + ".enabled[" + i + "].weight: Invalid value: " + weight
                        + ": must be in 1..100");
            }
            enabled.put(name, weight == 0 ? enabled.getOrDefault(name, DEFAULT_PLUGINS.getOrDefault(name, 1)) : weight);
        }
    }
}
