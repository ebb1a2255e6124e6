package org.kafkadelta.ingester.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.kafkadelta.ingester.IngesterException;
import org.kafkadelta.ingester.config.InvalidConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the fat jar: {@code java -jar kafka-delta-ingester.jar run --topic ... --table ...}.
 * Exit codes: 0 success, 1 runtime failure, 2 invalid settings (one line per problem on stderr).
 */
@Command(name = "kafka-delta-ingester", mixinStandardHelpOptions = true, version = "kafka-delta-ingester 0.1.0",
    description = "Ingests Kafka topics into bronze Delta Lake tables, exactly once, without Spark.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main {
  static final int EXIT_FAILURE = 1;
  static final int EXIT_INVALID = 2;

  public static void main(String[] args) {
    System.exit(execute(args, System.getenv(), new ProcessLauncher(),
        new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Parses and runs; never calls System.exit (tests call this). */
  static int execute(String[] args, Map<String, String> env, IngesterLauncher launcher, PrintWriter out,
      PrintWriter err) {
    RunCommand run = new RunCommand(launcher);
    CommandLine cli = new CommandLine(new Main()).addSubcommand(run);
    cli.setOut(out).setErr(err);
    CommandLine runCli = cli.getSubcommands().get("run");
    try {
      ConfigFile file = configFile(args, env, runCli);
      run.useConfigFile(file);
      cli.setDefaultValueProvider(new SettingsDefaultProvider(env, file.options()));
    } catch (InvalidConfigException e) {
      e.problems().forEach(err::println);
      return EXIT_INVALID;
    }
    cli.setParameterExceptionHandler((ex, ignored) -> {
      ex.getCommandLine().getErr().println(ex.getMessage()
          + (ex instanceof CommandLine.UnmatchedArgumentException ? " (see 'run --help')" : ""));
      return EXIT_INVALID;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof InvalidConfigException invalid) {
        invalid.problems().forEach(commandLine.getErr()::println);
        return EXIT_INVALID;
      }
      commandLine.getErr().println("ERROR: " + (ex instanceof IngesterException ? ex.getMessage() : ex.toString()));
      return EXIT_FAILURE;
    });
    return cli.execute(args);
  }

  /**
   * The --config file must be read before parsing, because its values are the options' defaults; so its
   * path is looked up in the raw arguments (or INGESTER_CONFIG).
   */
  private static ConfigFile configFile(String[] args, Map<String, String> env, CommandLine runCli) {
    String path = env.get(SettingsDefaultProvider.environmentName("config"));
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        path = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        path = args[i].substring("--config=".length());
      }
    }
    if (path == null) {
      return ConfigFile.empty();
    }
    Set<String> optionNames = runCli.getCommandSpec().options().stream()
        .map(o -> o.longestName().substring(2))
        .filter(n -> !n.equals("config") && !n.equals("help") && !n.equals("version")
            && !n.equals("kafka-property") && !n.equals("hadoop-property"))
        .collect(Collectors.toSet());
    return ConfigFile.load(Path.of(path), optionNames);
  }
}
