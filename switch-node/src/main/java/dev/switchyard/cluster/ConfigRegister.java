package dev.switchyard.cluster;

import dev.switchyard.CborSerializable;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.LongFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * This node's part in a cluster-wide, versioned piece of configuration an operator may replace at run time (the
 * issuer routing table, the risk rules): writes an operator's version to a majority of the members (Distributed
 * Data, a last-writer-wins register ordered by version number), and applies to this node every version it sees,
 * its own and the other nodes'. A node that joins later gets the current version by gossip. The register lives in
 * memory: after a restart of the whole cluster the configuration's version is in force again.
 */
public final class ConfigRegister {

  /** One version of the configuration, as the register keeps it; version 0 is the node's own configuration. */
  public interface Version extends CborSerializable {
    long version();

    String operator();
  }

  /** What the register configures on this node. */
  public interface Holder<V extends Version> {
    /** The version in force on this node. */
    V inForce();

    /** The newest version this node has seen, in force or refused. */
    long newest();

    /** Puts {@code version} in force on this node; completes with null, or why this node refused it. */
    CompletionStage<String> apply(V version);
  }

  public interface Command {}

  /** Write the version {@code make} builds from the next version number; the answer says what is in force here. */
  public record Propose<V extends Version>(LongFunction<V> make, ActorRef<Result<V>> replyTo) implements Command {}

  /**
   * What became of a proposal: the version in force on this node now, and an error when it was not written to a
   * majority in time or was refused by this node, or ({@code conflict}) another change won.
   */
  public record Result<V extends Version>(V inForce, String error, boolean conflict) {
    Result(V inForce, String error) {
      this(inForce, error, false);
    }
  }

  private record Seen<V extends Version>(Replicator.SubscribeResponse<LWWRegister<V>> response) implements Command {}

  private record Newest<V extends Version>(Replicator.GetResponse<LWWRegister<V>> response, Propose<V> proposal)
      implements Command {}

  private record Written<V extends Version>(Replicator.UpdateResponse<LWWRegister<V>> response, V written,
      ActorRef<Result<V>> replyTo) implements Command {}

  private record Read<V extends Version>(Replicator.GetResponse<LWWRegister<V>> response, V written,
      ActorRef<Result<V>> replyTo) implements Command {}

  private ConfigRegister() {}

  /** The register named {@code name} (one per kind of configuration), applied to {@code holder}. */
  @SuppressWarnings("unchecked")
  public static <V extends Version> Behavior<Command> create(String name, Holder<V> holder, Duration writeTimeout) {
    Key<LWWRegister<V>> key = LWWRegisterKey.create(name);
    // The register's order is the versions' (not the writers' clocks): a higher version always wins a merge.
    LWWRegister.Clock<V> byVersion = (current, value) -> value.version();
    return Behaviors.setup(ctx -> DistributedData.<Command, LWWRegister<V>>withReplicatorMessageAdapter(replicator -> {
      SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
      replicator.subscribe(key, Seen::new);
      return Behaviors.receive(Command.class)
          .onMessage(Propose.class, p -> {
            // Number the new version after the newest a majority holds, not only what this node has seen.
            replicator.askGet(replyTo -> new Replicator.Get<>(key, new Replicator.ReadMajority(writeTimeout),
                replyTo), response -> new Newest<>(response, (Propose<V>) p));
            return Behaviors.same();
          })
          .onMessage(Newest.class, raw -> {
            Newest<V> n = (Newest<V>) raw;
            long newest = holder.newest();
            if (n.response() instanceof Replicator.GetSuccess<LWWRegister<V>> found) {
              newest = Math.max(newest, found.get(key).getValue().version());
            } else if (!(n.response() instanceof Replicator.NotFound)) {
              n.proposal().replyTo().tell(new Result<>(holder.inForce(), "the newest version could not be read "
                  + "from a majority of the members within " + writeTimeout.toMillis() + " ms; nothing changed"));
              return Behaviors.same();
            }
            V next = n.proposal().make().apply(newest + 1);
            replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWRegister.create(self, next, byVersion),
                    new Replicator.WriteMajority(writeTimeout), replyTo,
                    register -> register.getValue().version() >= next.version() ? register
                        : register.withValue(self, next, byVersion)),
                response -> new Written<>(response, next, n.proposal().replyTo()));
            return Behaviors.same();
          })
          .onMessage(Written.class, raw -> {
            Written<V> w = (Written<V>) raw;
            if (w.response() instanceof Replicator.UpdateSuccess) {
              // Apply what the register holds now: a concurrent write elsewhere may have won.
              replicator.askGet(replyTo -> new Replicator.Get<>(key, Replicator.readLocal(), replyTo),
                  response -> new Read<>(response, w.written(), w.replyTo()));
            } else {
              w.replyTo().tell(new Result<>(holder.inForce(), w.response() instanceof Replicator.UpdateTimeout
                  ? "not confirmed by a majority of the members within " + writeTimeout.toMillis()
                      + " ms; written on this node, it reaches the others by gossip"
                  : "not written: " + w.response()));
            }
            return Behaviors.same();
          })
          .onMessage(Read.class, raw -> {
            Read<V> r = (Read<V>) raw;
            if (!(r.response() instanceof Replicator.GetSuccess<LWWRegister<V>> found)) {
              r.replyTo().tell(new Result<>(holder.inForce(), "the version written was not found on this node"));
              return Behaviors.same();
            }
            V held = found.get(key).getValue();
            holder.apply(held).whenComplete((refused, failure) -> {
              if (failure != null) {
                r.replyTo().tell(new Result<>(holder.inForce(), "not applied on this node: " + failure));
              } else if (refused == null && !held.equals(r.written())) {
                r.replyTo().tell(new Result<>(holder.inForce(), "another change won: version " + held.version()
                    + " by " + held.operator() + " is in force; post again on top of it", true));
              } else {
                r.replyTo().tell(new Result<>(holder.inForce(), refused));
              }
            });
            return Behaviors.same();
          })
          .onMessage(Seen.class, raw -> {
            Seen<V> s = (Seen<V>) raw;
            if (s.response() instanceof Replicator.Changed<LWWRegister<V>> changed) {
              holder.apply(changed.get(key).getValue());
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
