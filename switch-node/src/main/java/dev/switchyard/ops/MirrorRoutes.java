package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameter;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.integerSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.mirror.MirrorOffsets;
import dev.switchyard.mirror.PulsarMirror;
import dev.switchyard.node.NodeServices;
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
 * Operator routes for the journal mirrors, on the management port:
 *
 * <ul>
 *   <li>{@code GET /mirrors/pulsar}: per slice, the committed offset, the lag (events and seconds), the epoch
 *       and whether it is paused;
 *   <li>{@code POST /mirrors/pulsar/slices/{n}/pause} and {@code .../resume};
 *   <li>{@code POST /mirrors/pulsar/slices/{n}/rewind?offset=N}: publish again every event of the slice after
 *       journal offset N (a replay: consumers see those events twice and drop them by payment id + sequence nr).
 * </ul>
 */
public final class MirrorRoutes implements ManagementRouteProvider {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;
  private final TagSlices tags;
  private final boolean enabled;
  private final Executor blocking;

  public MirrorRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
    this.tags = PaymentSettings.create(classic.settings().config()).tags();
    this.enabled = classic.settings().config().getBoolean("switch.pulsar.enabled")
        && classic.settings().config().getBoolean("switch.pulsar.mirror.enabled");
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return concat(
        path(segment("mirrors").slash("pulsar"), () -> get(() -> completeWithFuture(status()))),
        path(segment("mirrors").slash("pulsar").slash("slices").slash(integerSegment()).slash(segment()),
            (slice, action) -> post(() -> settings.readOnly()
                ? completeWithFuture(CompletableFuture.completedFuture(OperatorRoutes.error(StatusCodes.FORBIDDEN,
                    "mirror control is off while pekko.management.http.route-providers-read-only = true")))
                : switch (action) {
              case "pause" -> completeWithFuture(act(slice, ProjectionManagement.get(system)::pause));
              case "resume" -> completeWithFuture(act(slice, ProjectionManagement.get(system)::resume));
              case "rewind" -> parameter("offset", offset -> completeWithFuture(rewind(slice, offset)));
              default -> completeWithFuture(CompletableFuture.completedFuture(OperatorRoutes.error(
                  StatusCodes.NOT_FOUND, "unknown action '" + action + "': pause, resume or rewind")));
                })));
  }

  private CompletionStage<HttpResponse> status() {
    if (!enabled) {
      return CompletableFuture.completedFuture(disabled());
    }
    MirrorOffsets offsets = new MirrorOffsets(NodeServices.get(system).dataSource());
    ProjectionManagement management = ProjectionManagement.get(system);
    ObjectNode root = JSON.createObjectNode();
    root.put("mirror", "pulsar");
    ArrayNode slices = root.putArray("slices");
    CompletionStage<Void> all = CompletableFuture.completedFuture(null);
    for (int i = 0; i < tags.count(); i++) {
      int slice = i;
      ObjectNode entry = slices.addObject();
      all = all.thenCompose(v -> CompletableFuture.runAsync(() -> {
        try {
          MirrorOffsets.Lag lag = offsets.lag(PulsarMirror.PROJECTION_NAME, tags.tag(slice), slice);
          entry.put("slice", slice);
          entry.put("tag", tags.tag(slice));
          entry.put("committedOffset", lag.committedOffset());
          entry.put("lagEvents", lag.events());
          entry.put("lagSeconds", lag.seconds(System.currentTimeMillis()));
          entry.put("epoch", offsets.epoch(PulsarMirror.PROJECTION_NAME, slice));
        } catch (Exception e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }, blocking)).thenCompose(v -> management.isPaused(PulsarMirror.projectionId(tags, slice))
          .thenAccept(paused -> entry.put("paused", paused)));
    }
    return all.thenApply(v -> OperatorRoutes.json(StatusCodes.OK, root))
        .exceptionally(failure -> OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE,
            "the mirror's state could not be read: " + failure.getMessage()));
  }

  private CompletionStage<HttpResponse> act(int slice,
      java.util.function.Function<ProjectionId, CompletionStage<org.apache.pekko.Done>> action) {
    if (!enabled) {
      return CompletableFuture.completedFuture(disabled());
    }
    if (slice < 0 || slice >= tags.count()) {
      return CompletableFuture.completedFuture(badSlice());
    }
    return action.apply(PulsarMirror.projectionId(tags, slice))
        .thenApply(done -> OperatorRoutes.json(StatusCodes.OK, JSON.createObjectNode().put("slice", slice)))
        .exceptionally(failure -> OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE, failure.getMessage()));
  }

  private CompletionStage<HttpResponse> rewind(int slice, String offsetText) {
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
    return act(slice, id -> CompletableFuture.supplyAsync(() -> {
      try {
        return offsets.nextEpoch(PulsarMirror.PROJECTION_NAME, slice);
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }, blocking).thenCompose(epoch -> ProjectionManagement.get(system).updateOffset(id, Sequence.apply(target))));
  }

  private static HttpResponse disabled() {
    return OperatorRoutes.error(StatusCodes.SERVICE_UNAVAILABLE,
        "the Pulsar mirror is not enabled on this switch (switch.pulsar.enabled, switch.pulsar.mirror.enabled)");
  }

  private HttpResponse badSlice() {
    return OperatorRoutes.error(StatusCodes.NOT_FOUND, "slice: 0.." + (tags.count() - 1));
  }
}
