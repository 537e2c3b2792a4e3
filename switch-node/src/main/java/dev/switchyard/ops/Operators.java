package dev.switchyard.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import dev.switchyard.payment.SaltedSecret;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the management routes: operators from {@code switch.operator.operators} and the
 * {@code operators-file}, each a name, a role and the salted digest of a bearer token. The file is read again by
 * {@link #reload}; a file that no longer reads keeps the operators in force (logged), so a half-written Secret
 * never locks everyone out.
 */
public final class Operators {

  private static final Logger log = LoggerFactory.getLogger(Operators.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  /** What an operator may do; each role may do what the ones before it may. */
  public enum Role {
    /** Reads: payments, stats, mirrors, routes, rules, search, cluster membership. */
    VIEWER,
    /** Acts on disputes, mirrors, issuer routes and risk rules. */
    OPERATOR,
    /** Leaves and downs cluster members; reads the audit log. */
    ADMIN;

    public boolean allows(Role needed) {
      return compareTo(needed) >= 0;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One operator: a name (as the audit log shows it), a role and the stored form of the token. */
  public record Operator(String name, Role role, String storedToken) {}

  private final List<Operator> configured;
  private final String file;
  private volatile List<Operator> all;

  private Operators(List<Operator> configured, String file, List<Operator> all) {
    this.configured = configured;
    this.file = file;
    this.all = all;
  }

  /**
   * The operators of {@code operator} ({@code switch.operator}); refuses, naming the entry, a malformed one or a
   * file that does not read.
   */
  public static Operators create(Config operator) {
    List<Operator> configured = parse(operator.getObject("operators"), "switch.operator.operators");
    String file = operator.getString("operators-file").strip();
    List<Operator> all = merge(configured, file.isEmpty() ? List.of() : readFile(file));
    return new Operators(configured, file, all);
  }

  /** Whether {@code name} may name an operator. */
  public static boolean isName(String name) {
    return NAME.matcher(name).matches();
  }

  /** The operator whose token {@code presented} is, if any; every operator's digest is compared. */
  public Optional<Operator> authenticate(String presented) {
    Operator found = null;
    for (Operator o : all) {
      if (SaltedSecret.matches(o.storedToken(), presented) && found == null) {
        found = o;
      }
    }
    return Optional.ofNullable(found);
  }

  /** How many operators may log in now. */
  public int size() {
    return all.size();
  }

  /** Reads the operators file again; on failure the operators in force stay, and the failure is logged. */
  public void reload() {
    if (file.isEmpty()) {
      return;
    }
    try {
      List<Operator> next = merge(configured, readFile(file));
      if (!next.equals(all)) {
        log.info("Operators file {} read again: {} operators", file, next.size());
      }
      all = next;
    } catch (IllegalArgumentException e) {
      log.error("Operators file not read again, the {} operators in force stay: {}", all.size(), e.getMessage());
    }
  }

  private static List<Operator> readFile(String path) {
    File f = new File(path);
    if (!f.isFile()) {
      throw new IllegalArgumentException("switch.operator.operators-file: no file at " + path);
    }
    try {
      return parse(ConfigFactory.parseFile(f).root(), "switch.operator.operators-file (" + path + ")");
    } catch (ConfigException e) {
      throw new IllegalArgumentException("switch.operator.operators-file (" + path + "): " + e.getMessage(), e);
    }
  }

  /** The file's operators replace the configured ones of the same name. */
  private static List<Operator> merge(List<Operator> configured, List<Operator> fromFile) {
    List<Operator> merged = new ArrayList<>(fromFile);
    for (Operator o : configured) {
      if (fromFile.stream().noneMatch(f -> f.name().equals(o.name()))) {
        merged.add(o);
      }
    }
    return List.copyOf(merged);
  }

  private static List<Operator> parse(ConfigObject entries, String where) {
    List<Operator> operators = new ArrayList<>();
    for (String name : entries.keySet()) {
      String at = where + ", operator '" + name + "'";
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(at + ": a name is 1 to 64 of A-Z a-z 0-9 . _ @ -");
      }
      Config entry;
      try {
        entry = entries.toConfig().getConfig(com.typesafe.config.ConfigUtil.quoteString(name));
      } catch (ConfigException e) {
        throw new IllegalArgumentException(at + ": not { token = \"sha256:…\", role = viewer|operator|admin }");
      }
      if (!entry.hasPath("token") || !entry.hasPath("role")) {
        throw new IllegalArgumentException(at + ": needs both token and role");
      }
      String token = entry.getString("token");
      if (!SaltedSecret.isHashed(token)) {
        throw new IllegalArgumentException(at + ", token: a token is kept as its salted digest, never in clear"
            + " (bin/switch hash-secret --operator " + name + " --role <role>)");
      }
      SaltedSecret.check(at + ", token", token);
      Role role;
      try {
        role = Role.valueOf(entry.getString("role").strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ", role: one of viewer, operator, admin");
      }
      operators.add(new Operator(name, role, token));
    }
    return operators;
  }
}
