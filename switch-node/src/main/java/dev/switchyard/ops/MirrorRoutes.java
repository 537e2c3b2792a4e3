package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameter;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.integerSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.mirror.MirrorDaemons;
import dev.switchyard.mirror.MirrorOffsets;
import dev.switchyard.mirror.PulsarMirror;
import dev.switchyard.mirror.QuickwitLink;
import dev.switchyard.mirror.QuickwitMirror;
import dev.switchyard.ops.NodeServices;
import dev.switchyard.payment.PaymentSettings;
import dev.switchyard.persistence.TagSlices;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.javadsl.ProjectionManagement;

/**
 * Operator routes for the journal mirrors ({@code pulsar}, {@code quickwit}), on the management port:
 *
 * <ul>
 *   <li>{@code GET /mirrors/{mirror}}: per slice, the committed offset, the lag (events and seconds), the epoch
 *       and whether it is paused;
 *   <li>{@code POST /mirrors/{mirror}/slices/{n}/pause} and {@code .../resume};
 *   <li>{@code POST /mirrors/{mirror}/slices/{n}/rewind?offset=N}: send again every event of the slice after
 *       journal offset N (a replay: consumers see those events twice and drop them by payment id + sequence nr).
 * </ul>
 */
public final class MirrorRoutes implements ManagementRouteProvider {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;
  private final TagSlices tags;
  private final boolean pulsar;
  private final Executor blocking;

  public MirrorRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
    this.tags = PaymentSettings.create(classic.settings().config()).tags();
    this.pulsar = classic.settings().config().getBoolean("switch.pulsar.enabled")
        && classic.settings().config().getBoolean("switch.pulsar.mirror.enabled");
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  /** The projection name of a mirror, or null when it does not run on this switch. */
  private String projection(String mirror) {
    return switch (mirror) {
      case "pulsar" -> pulsar ? PulsarMirror.PROJECTION_NAME : null;
      case "quickwit" -> QuickwitLink.get(system).mirroring() ? QuickwitMirror.PROJECTION_NAME : null;
      default -> null;
    };
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return pathPrefix(segment("mirrors").slash(segment()), mirror -> concat(
        pathEnd(() -> get(() -> completeWithFuture(status(mirror)))),
        path(segment("slices").slash(integerSegment()).slash(segment()),
            (slice, action) -> post(() -> settings.readOnly()
                ? completeWithFuture(CompletableFuture.completedFuture(OperatorRoutes.error(StatusCodes.FORBIDDEN,
                    "mirror control is off while pekko.management.http.route-providers-read-only = true")))
                : control(mirror, slice, action)))));
  }

  private Route control(String mirror, int slice, String action) {
    return switch (action) {
      case "pause" -> completeWithFuture(act(mirror, slice, ProjectionManagement.get(system)::pause));
      case "resume" -> completeWithFuture(act(mirror, slice, ProjectionManagement.get(system)::resume));
      case "rewind" -> parameter("offset", offset -> completeWithFuture(rewind(mirror, slice, offset)));
      default -> completeWithFuture(CompletableFuture.completedFuture(OperatorRoutes.error(
          StatusCodes.NOT_FOUND, "unknown action '" + action + "': pause, resume or rewind")));
    };
  }

  private CompletionStage<HttpResponse> status(String mirror) {
    String projection = projection(mirror);
    if (projection == null) {
      return CompletableFuture.completedFuture(disabled(mirror));
    }
    MirrorOffsets offsets = new MirrorOffsets(NodeServices.get(system).dataSource());
    ProjectionManagement management = ProjectionManagement.get(system);
    ObjectNode root = JSON.createObjectNode();
    root.put("mirror", mirror);
    if (mirror.equals("quickwit")) {
      root.put("index", QuickwitLink.get(system).settings().mirror().indexId());
      root.put("poisonSkippedHere", QuickwitMirror.POISON_TOTAL.get());
    }
    ArrayNode slices = root.putArray("slices");
    CompletionStage<Void> all = CompletableFuture.completedFuture(null);
    for (int i = 0; i < tags.count(); i++) {
      int slice = i;
      ObjectNode entry = slices.addObject();
      all = all.thenCompose(v -> offsets.onBlocking(blocking, o -> {
        MirrorOffsets.Lag lag = o.lag(projection, tags.tag(slice), slice);
        entry.put("slice", slice);
        entry.put("tag", tags.tag(slice));
        entry.put("committedOffset", lag.committedOffset());
        entry.put("lagEvents", lag.events());
        entry.put("lagSeconds", lag.seconds(System.currentTimeMillis()));
        entry.put("epoch", o.epoch(projection, slice));
        return null;
      })).thenCompose(v -> management.isPaused(MirrorDaemons.projectionId(projection, tags, slice))
          .thenAccept(paused -> entry.put("paused", paused)));
    }
    return all.thenApply(v -> OperatorRoutes.json(StatusCodes.OK, root))
        .exceptionally(failure -> OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE,
            "the mirror's state could not be read: " + failure.getMessage()));
  }

  private CompletionStage<HttpResponse> act(String mirror, int slice,
      java.util.function.Function<ProjectionId, CompletionStage<org.apache.pekko.Done>> action) {
    String projection = projection(mirror);
    if (projection == null) {
      return CompletableFuture.completedFuture(disabled(mirror));
    }
    if (slice < 0 || slice >= tags.count()) {
      return CompletableFuture.completedFuture(badSlice());
    }
    return action.apply(MirrorDaemons.projectionId(projection, tags, slice))
        .thenApply(done -> OperatorRoutes.json(StatusCodes.OK, JSON.createObjectNode().put("slice", slice)))
        .exceptionally(failure -> OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE, failure.getMessage()));
  }

  private CompletionStage<HttpResponse> rewind(String mirror, int slice, String offsetText) {
    long offset;
    try {
      offset = Long.parseLong(offsetText);
    } catch (NumberFormatException e) {
      offset = -1;
    }
    if (offset < 0) {
      return CompletableFuture.completedFuture(OperatorRoutes.error(StatusCodes.BAD_REQUEST,
          "offset: a journal offset (a non-negative whole number) is required"));
    }
    long target = offset;
    MirrorOffsets offsets = new MirrorOffsets(NodeServices.get(system).dataSource());
    // A new epoch first (a new producer name, so the broker does not drop the replay as duplicates), then the
    // offset: the projection restarts from it and picks the new epoch up.
    return act(mirror, slice, id -> offsets.onBlocking(blocking, o -> o.nextEpoch(id.name(), slice))
        .thenCompose(epoch -> ProjectionManagement.get(system).updateOffset(id, Sequence.apply(target))));
  }

  private HttpResponse disabled(String mirror) {
    return switch (mirror) {
      case "pulsar" -> OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE,
          "the Pulsar mirror is not enabled on this switch (switch.pulsar.enabled, switch.pulsar.mirror.enabled)");
      case "quickwit" -> OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE,
          QuickwitLink.get(system).refusal() != null ? QuickwitLink.get(system).refusal()
              : "the Quickwit mirror is not running on this switch (switch.quickwit.url, switch.quickwit.mirror"
                  + ".enabled), or its index is still being checked");
      default -> OperatorRoutes.error(StatusCodes.NOT_FOUND, "no mirror named '" + mirror + "': pulsar or quickwit");
    };
  }

  private HttpResponse badSlice() {
    return OperatorRoutes.error(StatusCodes.NOT_FOUND, "slice: 0.." + (tags.count() - 1));
  }
}
