package dev.switchyard.mirror;

import dev.switchyard.persistence.TagSlices;
import java.util.Optional;
import java.util.function.IntFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;

/** Runs one projection per tag slice as a sharded daemon process: once per slice across the cluster. */
public final class MirrorDaemons {

  private MirrorDaemons() {}

  /** The id of a mirror's projection for one slice: the mirror's name and the slice's tag. */
  public static ProjectionId projectionId(String mirror, TagSlices tags, int slice) {
    return ProjectionId.of(mirror, tags.tag(slice));
  }

  static void run(ActorSystem<?> system, String name, int slices, IntFunction<Projection<?>> projection) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        name,
        slices,
        slice -> ProjectionBehavior.create(projection.apply(slice)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }
}
