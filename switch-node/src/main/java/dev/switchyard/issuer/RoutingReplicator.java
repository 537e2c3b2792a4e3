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
   * written to a majority in time, or was refused by this node.
   */
  public record Result(RoutingVersion inForce, String error) {}

  private record Seen(Replicator.SubscribeResponse<LWWRegister<RoutingVersion>> response) implements Command {}

  private record Written(Replicator.UpdateResponse<LWWRegister<RoutingVersion>> response, ActorRef<Result> replyTo,
      Duration timeout) implements Command {}

  private record Read(Replicator.GetResponse<LWWRegister<RoutingVersion>> response, ActorRef<Result> replyTo)
      implements Command {}

  private RoutingReplicator() {}

  static Behavior<Command> create(IssuerSide side, Duration writeTimeout) {
    return Behaviors.setup(ctx -> DistributedData.<Command, LWWRegister<RoutingVersion>>withReplicatorMessageAdapter(
        replicator -> {
          SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
          replicator.subscribe(KEY, Seen::new);
          return Behaviors.receive(Command.class)
              .onMessage(Propose.class, p -> {
                RoutingVersion next = new RoutingVersion(side.newestRouting() + 1, p.table().render(),
                    p.operator(), System.currentTimeMillis());
                replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWRegister.create(self, next),
                    new Replicator.WriteMajority(writeTimeout), replyTo, register -> register.withValue(self, next)),
                    response -> new Written(response, p.replyTo(), writeTimeout));
                return Behaviors.same();
              })
              .onMessage(Written.class, w -> {
                if (w.response() instanceof Replicator.UpdateSuccess) {
                  // Apply what the register holds now: a concurrent write elsewhere may have won.
                  replicator.askGet(replyTo -> new Replicator.Get<>(KEY, Replicator.readLocal(), replyTo),
                      response -> new Read(response, w.replyTo()));
                } else {
                  w.replyTo().tell(new Result(side.routing(), w.response() instanceof Replicator.UpdateTimeout
                      ? "not confirmed by a majority of the members within " + w.timeout().toMillis()
                          + " ms; written on this node, it reaches the others by gossip"
                      : "not written: " + w.response()));
                }
                return Behaviors.same();
              })
              .onMessage(Read.class, r -> {
                String refused = r.response() instanceof Replicator.GetSuccess<LWWRegister<RoutingVersion>> found
                    ? side.apply(found.get(KEY).getValue()) : "the table written was not found on this node";
                r.replyTo().tell(new Result(side.routing(), refused));
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
