package dev.switchyard.ops;

import dev.switchyard.node.NodeServices;
import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/** Readiness check: the journal database answers (a connection from the node's pool passes its validity check). */
public final class JournalReadiness implements Supplier<CompletionStage<Boolean>> {

  private final NodeServices services;
  private final Executor blocking;

  public JournalReadiness(ActorSystem system) {
    this.services = NodeServices.get(Adapter.toTyped(system));
    this.blocking = system.dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
  }

  @Override
  public CompletionStage<Boolean> get() {
    DataSource dataSource = services.dataSource();
    if (dataSource == null) {
      return CompletableFuture.completedFuture(false);
    }
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = dataSource.getConnection()) {
        return c.isValid(2);
      } catch (Exception e) {
        return false;
      }
    }, blocking);
  }
}
