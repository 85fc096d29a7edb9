package io.outpost.agent.runtime.containerd;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.grpc.StatusRuntimeException;
import io.outpost.agent.runtime.RuntimeFailure;
import io.outpost.cri.CriChannel;
import io.outpost.cri.v1.AuthConfig;
import io.outpost.cri.v1.Image;
import io.outpost.cri.v1.ImageSpec;
import io.outpost.cri.v1.ImageStatusRequest;
import io.outpost.cri.v1.ListImagesRequest;
import io.outpost.cri.v1.PodSandboxConfig;
import io.outpost.cri.v1.PullImageRequest;
import io.outpost.cri.v1.RemoveImageRequest;

/**
 * The image side of the runtime (CRI {@code ImageService}) and kubelet's pull decision ({@code
 * pkg/kubelet/images/image_manager.go EnsureImageExists}): {@code Always} pulls, {@code
 * IfNotPresent} pulls only an absent image, {@code Never} fails on an absent one.
 *
 * <p>Thread model: any thread. Pulls of different images run concurrently (containerd dedupes
 * pulls of the same one); a pull blocks only its caller, so one pod's slow pull never holds up
 * another pod's worker.
 */
public final class Images {

    /** The waiting reasons kubelet's image manager reports. */
    public static final String ERR_IMAGE_PULL = "ErrImagePull";
    public static final String ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull";

    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final CriChannel channel;

    Images(CriChannel channel) {
        this.channel = channel;
    }

    /** The image's record if containerd has it (CRI {@code ImageStatus}). */
    public Optional<Image> status(String image) {
        Image found = channel.images().withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build()).getImage();
        return found.getId().isEmpty() ? Optional.empty() : Optional.of(found);
    }

    public List<Image> list() {
        return channel.images().withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
    }

    /** Pulls {@code image} (CRI {@code PullImage}); answers the image reference containerd resolved. */
    public String pull(String image, ImagePull.Auth auth, PodSandboxConfig sandbox) throws RuntimeFailure {
        PullImageRequest.Builder req = PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image));
        if (auth != null) {
            req.setAuth(AuthConfig.newBuilder().setServerAddress(auth.serverAddress()).setUsername(auth.username())
                    .setPassword(auth.password()));
        }
        if (sandbox != null) {
            req.setSandboxConfig(sandbox);
        }
        try {
            return channel.images().withDeadlineAfter(PULL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).pullImage(req.build()).getImageRef();
        } catch (StatusRuntimeException e) {
            throw new RuntimeFailure(ERR_IMAGE_PULL, "failed to pull image \"" + image + "\": " + CriErrors.message(e), e);
        }
    }

    /** Removes an image (CRI {@code RemoveImage}); a no-op for an absent one. */
    public void remove(String image) {
        channel.images().withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
    }

    /** kubelet's {@code EnsureImageExists} for one container's image, reporting to {@code events} as kubelet records them. */
    void ensure(String image, ImagePull pull, PodSandboxConfig sandbox, PullEvents events) throws RuntimeFailure {
        boolean present;
        try {
            present = pull.policy() != ImagePull.Policy.ALWAYS && status(image).isPresent();
        } catch (StatusRuntimeException e) {
            throw new RuntimeFailure(ERR_IMAGE_PULL, "image status of \"" + image + "\": " + CriErrors.message(e), e);
        }
        if (present) {
            events.alreadyPresent(image);
            return;
        }
        if (pull.policy() == ImagePull.Policy.NEVER) {
            throw new RuntimeFailure(ERR_IMAGE_NEVER_PULL, "Container image \"" + image
                    + "\" is not present with pull policy of Never");
        }
        events.pulling(image);
        long started = System.nanoTime();
        String ref = pull(image, pull.auth(), sandbox);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        long size;
        try {
            size = status(ref).map(Image::getSize).orElse(0L);
        } catch (StatusRuntimeException e) {
            size = 0; // pulled; only the size for the event is unknown
        }
        events.pulled(image, took, size);
    }
}
