package io.outpost.agent.runtime.containerd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.outpost.cri.CriChannel;
import io.outpost.cri.v1.ImageFsInfoRequest;
import io.outpost.cri.v1.ImageSpec;
import io.outpost.cri.v1.ListContainersRequest;
import io.outpost.cri.v1.RemoveImageRequest;

/**
 * {@link ImageGarbageCollector.Node} over CRI: {@code ListImages}, {@code ListContainers} (every
 * container on the runtime, the agent's or not, keeps its image), {@code ImageFsInfo}'s mountpoint
 * measured with statfs, {@code RemoveImage} by id. The sandbox image counts as pinned whatever the
 * runtime says (containerd 1.6 does not pin it), since every new pod needs it.
 *
 * <p>Thread model: any thread; the channel is thread-safe.
 */
public final class CriImageNode implements ImageGarbageCollector.Node {

    private final CriChannel channel;
    private final String sandboxImage;

    public CriImageNode(CriChannel channel, String sandboxImage) {
        this.channel = channel;
        this.sandboxImage = sandboxImage;
    }

    @Override
    public List<ImageGarbageCollector.Image> images() {
        return channel.images().withDeadlineAfter(30, TimeUnit.SECONDS).listImages(io.outpost.cri.v1.ListImagesRequest.getDefaultInstance())
                .getImagesList().stream()
                .map(i -> new ImageGarbageCollector.Image(i.getId(), i.getSize(), i.getPinned() || i.getRepoTagsList().contains(sandboxImage)))
                .toList();
    }

    @Override
    public Set<String> imagesInUse() {
        Set<String> ids = new HashSet<>();
        for (var c : channel.runtime().withDeadlineAfter(30, TimeUnit.SECONDS).listContainers(ListContainersRequest.getDefaultInstance())
                .getContainersList()) {
            ids.add(c.getImageRef());
            ids.add(c.getImageId());
            ids.add(c.getImage().getImage());
        }
        ids.remove("");
        return ids;
    }

    @Override
    public ImageGarbageCollector.Disk imageDisk() {
        var filesystems = channel.images().withDeadlineAfter(30, TimeUnit.SECONDS).imageFsInfo(ImageFsInfoRequest.getDefaultInstance())
                .getImageFilesystemsList();
        if (filesystems.isEmpty()) {
            return new ImageGarbageCollector.Disk(0, 0);
        }
        try {
            FileStore store = Files.getFileStore(Path.of(filesystems.getFirst().getFsId().getMountpoint()));
            return new ImageGarbageCollector.Disk(store.getTotalSpace(), store.getUsableSpace());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void remove(String imageId) {
        channel.images().withDeadlineAfter(30, TimeUnit.SECONDS)
                .removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(imageId)).build());
    }
}
