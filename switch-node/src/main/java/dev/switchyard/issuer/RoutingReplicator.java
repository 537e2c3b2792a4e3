package dev.switchyard.issuer;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * This node's part in the cluster-wide routing table: writes an operator's table to a majority of the members
 * (Distributed Data, a last-writer-wins register), and applies to this node's issuer side every version it
 * sees, its own and the other nodes'. A node that joins later gets the current version by gossip. The register
 * lives in memory: after a restart of the whole cluster the configuration's table is in force again.
 */
public final class RoutingReplicator {

  static final Key<LWWRegister<RoutingVersion>> KEY = LWWRegisterKey.create("issuer-routing");

  interface Command {}

  /** Replace the table with {@code table}; the answer says which version is in force on this node. */
  record Propose(RoutingTable table, String operator, ActorRef<Result> replyTo) implements Command {}

  /**
   * What became of a proposal: the version in force on this node now, and an error when the table was not
   * written to a majority in time or was refused by this node, or ({@code conflict}) another change won.
   */
  public record Result(RoutingVersion inForce, String error, boolean conflict) {
    Result(RoutingVersion inForce, String error) {
      this(inForce, error, false);
    }
  }

  private record Seen(Replicator.SubscribeResponse<LWWRegister<RoutingVersion>> response) implements Command {}

  private record Newest(Replicator.GetResponse<LWWRegister<RoutingVersion>> response, Propose proposal)
      implements Command {}

  private record Written(Replicator.UpdateResponse<LWWRegister<RoutingVersion>> response, RoutingVersion written,
      ActorRef<Result> replyTo) implements Command {}

  private record Read(Replicator.GetResponse<LWWRegister<RoutingVersion>> response, RoutingVersion written,
      ActorRef<Result> replyTo) implements Command {}

  /** The register's order is the versions' (not the writers' clocks): a higher version always wins a merge. */
  private static final LWWRegister.Clock<RoutingVersion> BY_VERSION = (current, value) -> value.version();

  private RoutingReplicator() {}

  static Behavior<Command> create(IssuerSide side, Duration writeTimeout) {
    return Behaviors.setup(ctx -> DistributedData.<Command, LWWRegister<RoutingVersion>>withReplicatorMessageAdapter(
        replicator -> {
          SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
          replicator.subscribe(KEY, Seen::new);
          return Behaviors.receive(Command.class)
              .onMessage(Propose.class, p -> {
                // Number the new version after the newest a majority holds, not only what this node has seen.
                replicator.askGet(replyTo -> new Replicator.Get<>(KEY, new Replicator.ReadMajority(writeTimeout),
                    replyTo), response -> new Newest(response, p));
                return Behaviors.same();
              })
              .onMessage(Newest.class, n -> {
                long newest = side.newestRouting();
                if (n.response() instanceof Replicator.GetSuccess<LWWRegister<RoutingVersion>> found) {
                  newest = Math.max(newest, found.get(KEY).getValue().version());
                } else if (!(n.response() instanceof Replicator.NotFound)) {
                  n.proposal().replyTo().tell(new Result(side.routing(), "the newest table could not be read "
                      + "from a majority of the members within " + writeTimeout.toMillis() + " ms; nothing changed"));
                  return Behaviors.same();
                }
                RoutingVersion next = new RoutingVersion(newest + 1, n.proposal().table().render(),
                    n.proposal().operator(), System.currentTimeMillis());
                replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWRegister.create(self, next,
                        BY_VERSION), new Replicator.WriteMajority(writeTimeout), replyTo,
                        register -> register.getValue().version() >= next.version() ? register
                            : register.withValue(self, next, BY_VERSION)),
                    response -> new Written(response, next, n.proposal().replyTo()));
                return Behaviors.same();
              })
              .onMessage(Written.class, w -> {
                if (w.response() instanceof Replicator.UpdateSuccess) {
                  // Apply what the register holds now: a concurrent write elsewhere may have won.
                  replicator.askGet(replyTo -> new Replicator.Get<>(KEY, Replicator.readLocal(), replyTo),
                      response -> new Read(response, w.written(), w.replyTo()));
                } else {
                  w.replyTo().tell(new Result(side.routing(), w.response() instanceof Replicator.UpdateTimeout
                      ? "not confirmed by a majority of the members within " + writeTimeout.toMillis()
                          + " ms; written on this node, it reaches the others by gossip"
                      : "not written: " + w.response()));
                }
                return Behaviors.same();
              })
              .onMessage(Read.class, r -> {
                if (!(r.response() instanceof Replicator.GetSuccess<LWWRegister<RoutingVersion>> found)) {
                  r.replyTo().tell(new Result(side.routing(), "the table written was not found on this node"));
                  return Behaviors.same();
                }
                RoutingVersion held = found.get(KEY).getValue();
                side.apply(held).whenComplete((refused, failure) -> {
                  if (failure != null) {
                    r.replyTo().tell(new Result(side.routing(), "not applied on this node: " + failure));
                  } else if (refused == null && !held.equals(r.written())) {
                    r.replyTo().tell(new Result(side.routing(), "another change won: version " + held.version()
                        + " by " + held.operator() + " is in force; post again on top of it", true));
                  } else {
                    r.replyTo().tell(new Result(side.routing(), refused));
                  }
                });
                return Behaviors.same();
              })
              .onMessage(Seen.class, s -> {
                if (s.response() instanceof Replicator.Changed<LWWRegister<RoutingVersion>> changed) {
                  side.apply(changed.get(KEY).getValue());
                }
                return Behaviors.same();
              })
              .build();
        }));
  }
}
