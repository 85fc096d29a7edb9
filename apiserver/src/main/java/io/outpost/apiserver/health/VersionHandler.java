package io.outpost.apiserver.health;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Statuses;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /version}: the Kubernetes version we are compatible with, in kube's {@code version.Info}
 * shape. kubectl warns past ±1 minor of skew, and the gcloud kubectl dispatcher runs the kubectl
 * whose minor matches {@code minor}: what we report decides which client such users get.
 *
 * <p>{@code gitVersion} carries our own version as semver build metadata, as k3s does
 * ({@code v1.33.0+outpost-0.1.0}): it still sorts as 1.33.0, which a pre-release suffix would not.
 */
public final class VersionHandler implements ApiHandler {

    public static final String KUBE_MAJOR = "1";
    public static final String KUBE_MINOR = "33";
    public static final String KUBE_PATCH = "0";

    private final byte[] body;

    /** @param outpostVersion our version ({@code 0.1.0-SNAPSHOT}); @param buildDate ISO-8601, or empty */
    public VersionHandler(String outpostVersion, String gitCommit, String buildDate) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("major", KUBE_MAJOR);
        info.put("minor", KUBE_MINOR);
        info.put("gitVersion", "v" + KUBE_MAJOR + "." + KUBE_MINOR + "." + KUBE_PATCH + "+outpost-"
                + outpostVersion.replaceAll("[^0-9A-Za-z.-]", "-"));
        info.put("gitCommit", gitCommit);
        info.put("gitTreeState", "clean");
        info.put("buildDate", buildDate);
        info.put("goVersion", "java" + Runtime.version().feature());
        info.put("compiler", "javac");
        info.put("platform", "linux/" + goArch(System.getProperty("os.arch")));
        this.body = JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsBytes(info);
    }

    /** Go's GOARCH names, which is what clients expect in {@code platform}. */
    static String goArch(String javaArch) {
        return switch (javaArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "arm" -> "arm";
            default -> javaArch;
        };
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Statuses.failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
        return ApiResponse.json(200, body);
    }
}
