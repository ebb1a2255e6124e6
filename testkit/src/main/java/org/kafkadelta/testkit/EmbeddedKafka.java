package org.kafkadelta.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker running inside this JVM: one KRaft node in combined mode (broker and controller),
 * listening on a free localhost port, with its logs in a fresh temporary directory.
 *
 * <p>Broker defaults suit a single node and large test records; see {@link #start(Map)}. Both consumer
 * group protocols work: the classic one and the KIP-848 {@code group.protocol=consumer} one.
 *
 * <p>{@link #createTopic}, {@link #admin()} and the config helpers may be called from any thread.
 * {@link #close()} stops the broker and deletes its directory; the instance is unusable afterwards.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** Largest record batch the broker accepts: twice the producers' request limit, leaving room for batch overhead. */
  public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
  /** {@code max.request.size} of {@link #producerConfig()}: enough for the 5 MB values the tests send. */
  public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

  private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ADMIN_CALL_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaClusterTestKit cluster;
  private final Path baseDirectory;
  private final String bootstrapServers;
  private final Duration startupDuration;
  private Admin admin; // guarded by this
  private boolean closed; // guarded by this

  private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDirectory, Duration startupDuration) {
    this.cluster = cluster;
    this.baseDirectory = baseDirectory;
    this.bootstrapServers = cluster.bootstrapServers();
    this.startupDuration = startupDuration;
  }

  /** Starts a broker with the defaults described at {@link #start(Map)}. */
  public static EmbeddedKafka start() {
    return start(Map.of());
  }

  /**
   * Starts a broker and returns once it accepts client requests (1.5 to 3 s on two cores).
   *
   * <p>Defaults, each overridable through {@code brokerProps}: replication factor and min ISR 1 for the
   * internal topics (a single node could not satisfy the usual 3), 4 partitions for those topics instead of
   * 50 (faster first group join), no initial rebalance delay (first consumer gets its partitions at once),
   * {@code message.max.bytes} = {@value #MAX_MESSAGE_BYTES}, and, for the KIP-848 consumer protocol, a 10 s
   * session timeout and 1 s heartbeat so a killed consumer's partitions move on quickly.
   *
   * @param brokerProps broker settings added to (and overriding) the defaults
   * @throws IllegalStateException if the broker cannot be started; its directory is deleted
   */
  public static EmbeddedKafka start(Map<String, String> brokerProps) {
    LogLevels.quietUnlessConfigured("kafka", "org.apache.kafka", "state.change.logger", "org.apache.zookeeper");
    long startNanos = System.nanoTime();
    Path baseDirectory = createBaseDirectory();
    KafkaClusterTestKit cluster = null;
    boolean started = false;
    try {
      TestKitNodes nodes = new TestKitNodes.Builder()
          .setCombined(true)
          .setNumBrokerNodes(1)
          .setNumControllerNodes(1)
          .setBaseDirectory(baseDirectory)
          .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      Map<String, String> config = new LinkedHashMap<>(defaultBrokerConfig());
      config.putAll(brokerProps);
      config.forEach(builder::setConfigProp);
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      Duration startup = Duration.ofNanos(System.nanoTime() - startNanos);
      EmbeddedKafka kafka = new EmbeddedKafka(cluster, baseDirectory, startup);
      log.info("Embedded Kafka broker ready at {} in {} ms (data in {})",
          kafka.bootstrapServers, startup.toMillis(), baseDirectory);
      started = true;
      return kafka;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting the embedded Kafka broker", e);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start the embedded Kafka broker with overrides " + brokerProps
          + ": " + e.getMessage(), e);
    } finally {
      if (!started) {
        stopQuietly(cluster);
        deleteQuietly(baseDirectory);
      }
    }
  }

  private static Map<String, String> defaultBrokerConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "4");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("transaction.state.log.num.partitions", "4");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    config.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    config.put("log.retention.check.interval.ms", "1000");
    // KIP-848 (group.protocol=consumer): the broker, not the client, owns these timeouts; the
    // production defaults (45 s session, 5 s heartbeat) make rebalance tests slow.
    config.put("group.consumer.min.session.timeout.ms", "1000");
    config.put("group.consumer.session.timeout.ms", "10000");
    config.put("group.consumer.min.heartbeat.interval.ms", "100");
    config.put("group.consumer.heartbeat.interval.ms", "1000");
    return config;
  }

  private static Path createBaseDirectory() {
    try {
      return Files.createTempDirectory("embedded-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory for the embedded Kafka broker in "
          + System.getProperty("java.io.tmpdir"), e);
    }
  }

  /** The {@code host:port} list clients connect to (PLAINTEXT, no authentication). */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** How long {@link #start} took, from creating the directory to the broker accepting requests. */
  public Duration startupDuration() {
    return startupDuration;
  }

  /** Creates a topic with replication factor 1 and the broker's default topic configs. */
  public void createTopic(String topic, int partitions) {
    createTopic(topic, partitions, Map.of());
  }

  /**
   * Creates a topic with replication factor 1 and returns once its metadata (every partition with a leader)
   * is visible to clients, so a producer or consumer started next sees all partitions.
   *
   * @param topicConfigs topic-level settings such as {@code retention.ms} or {@code cleanup.policy}
   * @throws IllegalArgumentException if {@code partitions} is not positive
   * @throws IllegalStateException if the topic cannot be created (e.g. it already exists) or does not become
   *     visible within 30 s
   */
  public void createTopic(String topic, int partitions, Map<String, String> topicConfigs) {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("Invalid topic name: '" + topic + "' (must be non-blank)");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("Invalid partition count for topic " + topic + ": " + partitions
          + " (must be >= 1)");
    }
    NewTopic newTopic = new NewTopic(topic, partitions, (short) 1).configs(topicConfigs);
    try {
      admin().createTopics(List.of(newTopic)).all().get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      awaitTopicMetadata(topic, partitions);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("Cannot create topic " + topic + " with " + partitions
          + " partitions and configs " + topicConfigs + ": " + cause, cause);
    }
  }

  private void awaitTopicMetadata(String topic, int partitions)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
    String lastState = "not described yet";
    while (System.nanoTime() < deadline) {
      try {
        TopicDescription description = admin().describeTopics(List.of(topic)).allTopicNames()
            .get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        long withLeader = description.partitions().stream().map(TopicPartitionInfo::leader)
            .filter(leader -> leader != null && !leader.isEmpty()).count();
        if (description.partitions().size() == partitions && withLeader == partitions
            && leadersAcceptRequests(topic, partitions)) {
          return;
        }
        lastState = description.partitions().size() + " partitions, " + withLeader + " with a leader";
      } catch (ExecutionException e) {
        // Creation returned, but the broker's metadata cache may not have caught up yet.
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        lastState = "unknown to the broker";
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("Topic " + topic + " was created but its metadata did not show " + partitions
        + " partitions with leaders within " + TOPIC_READY_TIMEOUT.toSeconds() + " s (last seen: " + lastState + ")");
  }

  /**
   * Metadata can show a leader before that leader serves the partition; a first produce then fails with
   * NOT_LEADER_OR_FOLLOWER and can end in OUT_OF_ORDER_SEQUENCE retries (KAFKA-14359). Only the serving
   * leader answers DescribeProducers, so its success means the partitions are ready.
   */
  private boolean leadersAcceptRequests(String topic, int partitions) throws InterruptedException, TimeoutException {
    List<org.apache.kafka.common.TopicPartition> all = new java.util.ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(new org.apache.kafka.common.TopicPartition(topic, p));
    }
    try {
      admin().describeProducers(all).all().get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      return false;
    }
  }

  /**
   * An admin client for this broker, created on first use and shared. Do not close it: {@link #close()} does.
   */
  public synchronized Admin admin() {
    if (closed) {
      throw new IllegalStateException("Embedded Kafka broker at " + bootstrapServers + " is closed");
    }
    if (admin == null) {
      admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }
    return admin;
  }

  /** Producer settings for this broker; see {@link #producerConfig(String)}. Returns a new mutable map. */
  public Map<String, Object> producerConfig() {
    return producerConfig(bootstrapServers);
  }

  /**
   * Producer settings for fast, durable test loads: byte-array key and value, {@code acks=all} (idempotent),
   * lz4 compression, 256 KiB batches with 5 ms linger, and {@code max.request.size} of
   * {@value #MAX_REQUEST_BYTES} bytes so multi-megabyte values pass. Returns a new mutable map.
   */
  public static Map<String, Object> producerConfig(String bootstrapServers) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
    return config;
  }

  /**
   * Consumer settings for reading a topic back in tests: byte-array key and value, the given group, start at
   * the earliest offset, no auto-commit. Returns a new mutable map (set {@code group.protocol} there to
   * choose the KIP-848 protocol).
   */
  public Map<String, Object> consumerConfig(String groupId) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return config;
  }

  /** Closes the admin client, stops the broker and deletes its data directory. Idempotent. */
  @Override
  public void close() {
    Admin adminToClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      adminToClose = admin;
      admin = null;
    }
    RuntimeException failure = null;
    if (adminToClose != null) {
      try {
        adminToClose.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      IllegalStateException stopFailure =
          new IllegalStateException("Cannot stop the embedded Kafka broker at " + bootstrapServers, e);
      if (failure != null) {
        stopFailure.addSuppressed(failure);
      }
      failure = stopFailure;
    }
    // The test kit deletes its own directory on close; this also covers a close that failed half-way.
    deleteQuietly(baseDirectory);
    if (failure != null) {
      throw failure;
    }
  }

  // Cleanup after a failed start: the start failure is what the caller needs to see.
  private static void stopQuietly(KafkaClusterTestKit cluster) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("Could not stop the embedded Kafka broker after a failed start: {}", e.toString());
    }
  }

  private static void deleteQuietly(Path directory) {
    try {
      Directories.deleteRecursively(directory);
    } catch (IOException e) {
      // Best-effort cleanup of a temp directory: failing the caller over it would hide the real outcome.
      log.warn("Could not delete the embedded Kafka directory {}: {}", directory, e.toString());
    }
  }
}
