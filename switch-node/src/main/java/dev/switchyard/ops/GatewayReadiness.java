package dev.switchyard.ops;

import dev.switchyard.gateway.GatewayServer;
import dev.switchyard.ops.NodeServices;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/** Readiness check: the node is ready only while its acquirer gateway listens and is not draining. */
public final class GatewayReadiness implements Supplier<CompletionStage<Boolean>> {

  private final NodeServices services;

  public GatewayReadiness(ActorSystem system) {
    this.services = NodeServices.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    GatewayServer gateway = services.gateway();
    return CompletableFuture.completedFuture(gateway != null && gateway.isListening());
  }
}
