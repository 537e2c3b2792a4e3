package dev.switchyard.ops;

import dev.switchyard.ops.NodeServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Readiness check: the journal database answers, and the journal's table is there for the node's user in the
 * node's schema. A connection that is merely valid is not enough: a dropped or renamed schema, or a user without
 * rights on the table, would leave a node that accepts requests and fails every one of them.
 */
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
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        s.setQueryTimeout(2);
        // Planned and checked against the catalog and the user's rights, and reads no row. Quoted: the plugin's
        // H2 tables have lower-case names, and PostgreSQL folds the unquoted ones to the same.
        s.executeQuery("SELECT 1 FROM \"event_journal\" WHERE 1 = 0").close();
        c.rollback();
        return true;
      } catch (Exception e) {
        return false;
      }
    }, blocking);
  }
}
