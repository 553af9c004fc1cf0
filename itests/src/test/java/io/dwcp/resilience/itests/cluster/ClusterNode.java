package io.dwcp.resilience.itests.cluster;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One DWCP node of the cluster test: a runtime JVM ({@code java -jar dwcp-runtime.jar}) started in its
 * own folder, with its own {@code ./conf}, {@code ./data} and the {@link io.dwcp.resilience.itests.cluster.agent.ClusterAgent}
 * bundle in its FileInstall folder. The test drives it through the agent's control socket and reads
 * its ledgers and its log copy from {@code ./agent}.
 */
public final class ClusterNode {

    /**
     * A bound on one JVM's start, not a timing assertion: a node starts in a few seconds on an idle
     * machine, but three of them on two cores shared with other builds (load 25+) took over 60 s.
     */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("dwcp.cluster.start.timeout.s", 180));

    private final String id;
    private final Path dir;
    private final int port;
    private final Path runtimeJar;
    private Process process;
    private Socket control;
    private BufferedReader replies;
    private PrintWriter commands;
    private int incarnations;

    ClusterNode(String id, Path dir, int port, Path runtimeJar) {
        this.id = id;
        this.dir = dir;
        this.port = port;
        this.runtimeJar = runtimeJar;
    }

    public String id() {
        return id;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public Path agentDir() {
        return dir.resolve("agent");
    }

    public Path conf() {
        return dir.resolve("conf");
    }

    /** Starts the JVM; {@link #awaitReady} waits for it. */
    public synchronized void launch() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(id + " is running");
        }
        Files.deleteIfExists(agentDir().resolve("agent.port"));
        incarnations++;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // small heaps and the serial collector: four JVMs share two cores
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dgosh.args=--nointeractive");
        cmd.add("-Ddwcp.agent.dir=agent");
        cmd.add("-jar");
        cmd.add(runtimeJar.toString());
        File out = dir.resolve("console-" + incarnations + ".log").toFile();
        process = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(out)
                .redirectInput(ProcessBuilder.Redirect.PIPE) // kept open: stdin at EOF would stop Gogo
                .start();
    }

    /** Waits until the agent answers and the node's {@code DWCPManager} is bound. */
    public void awaitReady() throws Exception {
        long deadline = awaitAgent();
        while ("no-manager".equals(command("PING"))) {
            checkAlive("starting");
            pause(deadline, id + "'s DWCPManager service");
        }
    }

    /**
     * Waits until the agent bundle runs and answers on its control socket.
     *
     * @return the start-up deadline, for further waits
     */
    public long awaitAgent() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Path portFile = agentDir().resolve("agent.port");
        while (!Files.exists(portFile)) {
            checkAlive("starting");
            pause(deadline, id + "'s agent control port (" + portFile + ")");
        }
        connect(Integer.parseInt(Files.readString(portFile).trim()));
        return deadline;
    }

    private synchronized void connect(int controlPort) throws IOException {
        closeControl();
        control = new Socket(InetAddress.getLoopbackAddress(), controlPort);
        replies = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8));
        commands = new PrintWriter(control.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /**
     * Sends one command to the agent.
     *
     * @return the reply without its {@code OK }
     * @throws IllegalStateException when the agent answered {@code ERR}, or is gone
     */
    public synchronized String command(String line) throws IOException {
        if (commands == null) {
            throw new IllegalStateException(id + " is not connected");
        }
        commands.println(line);
        String reply = replies.readLine();
        if (reply == null) {
            throw new IllegalStateException(id + ": the agent closed the control connection on '" + line + "'");
        }
        if (!reply.startsWith("OK")) {
            throw new IllegalStateException(id + ": '" + line + "' -> " + reply);
        }
        return reply.length() > 3 ? reply.substring(3) : "";
    }

    /** A normal stop: SIGTERM, the framework stops in order (as an operator's {@code kill}). */
    public void stop() throws InterruptedException {
        end(false);
    }

    /** A crash: SIGKILL, nothing runs. */
    public void kill() throws InterruptedException {
        end(true);
    }

    private synchronized void end(boolean forcibly) throws InterruptedException {
        closeControl();
        if (process == null) {
            return;
        }
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        if (!process.waitFor(45, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(id + " did not stop within 45 s after SIGTERM (killed); see " + dir);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    private synchronized void closeControl() {
        if (control != null) {
            try {
                control.close();
            } catch (IOException e) {
                // closing anyway
            }
            control = null;
            commands = null;
            replies = null;
        }
    }

    private void checkAlive(String what) throws IOException {
        if (!isAlive()) {
            throw new IllegalStateException(id + " exited (code " + process.exitValue() + ") while " + what
                    + "; its console: " + tail(dir.resolve("console-" + incarnations + ".log"), 30));
        }
    }

    /** @return the lines of the node's log copy (INFO and above), every incarnation */
    public List<String> log() throws IOException {
        Path log = agentDir().resolve("node.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    static String tail(Path file, int lines) throws IOException {
        if (!Files.exists(file)) {
            return "(no " + file + ")";
        }
        List<String> all = Files.readAllLines(file);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Polling interval while waiting for a process or a file; the deadline, not the pause, bounds the wait. */
    static void pause(long deadlineNanos, String waitingFor) throws InterruptedException {
        if (System.nanoTime() > deadlineNanos) {
            throw new IllegalStateException("timed out waiting for " + waitingFor);
        }
        Thread.sleep(50);
    }

    @Override
    public String toString() {
        return id + "@" + port + " (" + dir + ")";
    }
}
