package io.dwcp.resilience.runtime.installer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Version;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Brings the framework's bundles in line with the runtime jar, once per start, before the framework
 * starts its bundles. What it does with each bundle the jar carries:
 * <ul>
 *   <li><b>never applied in this storage</b> (first start, or a bundle new in this runtime jar): if
 *       the storage holds no bundle of its symbolic name, it is installed under a location that
 *       reads it from the runtime jar again ({@code jar:file:…/dwcp-runtime.jar!/jar/….jar}) and
 *       marked to start; if the storage holds the same version (a storage the bnd launcher filled,
 *       or the operator installed this very build), that bundle is kept as it is; another version
 *       is updated in place (same bundle id, same data);</li>
 *   <li><b>applied before, and the runtime jar still carries the same build</b>: nothing, whatever
 *       the operator did since (uninstalled it, installed it again from a file, updated it from
 *       another URL): the operator's choice stands;</li>
 *   <li><b>applied before, and the runtime jar carries another build</b> (the jar was replaced): the
 *       installed bundle of that name is updated in place; one the operator uninstalled stays
 *       uninstalled.</li>
 * </ul>
 * Never a second install of a symbolic name the storage holds, so a restart can never fail with
 * "Bundle symbolic name and version are not unique". What was applied is recorded per symbolic name
 * (the entry's stamp) in a file of the system bundle's data area.
 */
final class BundleSync {

    /** The record file in the system bundle's data area. */
    static final String RECORD = "dwcp-runtime-bundles.properties";
    static final String PREFIX = "dwcp-runtime: ";
    /** The bundle whose prompt waits for the others (see {@link #startShellLast()}). */
    static final String SHELL = "org.apache.felix.gogo.shell";
    /** Its start level; every other bundle has 1, and the framework's beginning level is this one. */
    static final int SHELL_START_LEVEL = 2;

    private final BundleContext context;
    private final Path recordFile;
    private final Consumer<String> out;
    private final Consumer<String> err;

    /** What one sync did, for the summary line and the tests. */
    record Result(List<String> installed, List<String> updated, List<String> kept, List<String> leftUninstalled,
            List<String> failed) {

        Result() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /**
     * @param context    the system bundle's context, after {@code init}
     * @param recordFile where what was applied is recorded
     * @param out        informational lines
     * @param err        failures
     */
    BundleSync(BundleContext context, Path recordFile, Consumer<String> out, Consumer<String> err) {
        this.context = context;
        this.recordFile = recordFile;
        this.out = out;
        this.err = err;
    }

    Result sync(List<EmbeddedBundle> bundles, String source) {
        Properties applied = load();
        Result result = new Result();
        for (EmbeddedBundle b : bundles) {
            try {
                sync(b, applied, result);
            } catch (BundleException | IOException | RuntimeException e) {
                // one bundle that cannot be installed must not keep the others, or the runtime, from starting
                result.failed().add(b.toString());
                err.accept(PREFIX + "could not install or update " + b + " from " + b.location() + ": " + e);
            }
        }
        save(applied);
        startShellLast();
        if (!result.installed().isEmpty()) {
            out.accept(PREFIX + "installed " + result.installed().size() + " bundles from " + source);
        }
        return result;
    }

    private void sync(EmbeddedBundle b, Properties applied, Result result) throws BundleException, IOException {
        String before = applied.getProperty(b.key());
        List<Bundle> installed = installed(b);
        if (b.stamp().equals(before)) {
            if (installed.isEmpty()) {
                leftUninstalled(b, result);
            }
            return; // the same build as last time: whatever the operator did since stands
        }
        if (installed.isEmpty()) {
            if (before != null) {
                leftUninstalled(b, result); // a new build of a bundle the operator uninstalled
            } else {
                install(b);
                result.installed().add(b.toString());
            }
        } else {
            Bundle target = pick(installed, b);
            if (before == null && target.getVersion().equals(Version.parseVersion(b.version()))) {
                result.kept().add(b.toString());
                if (!target.getLocation().equals(b.location())) {
                    out.accept(PREFIX + "kept " + b + " as installed from " + target.getLocation()
                            + " (the runtime jar carries the same version)");
                }
            } else {
                Version was = target.getVersion();
                try (InputStream in = b.content().open()) {
                    target.update(in);
                }
                result.updated().add(b.toString());
                out.accept(PREFIX + "updated " + b.key() + " " + was + " -> " + b.version() + " (bundle "
                        + target.getBundleId() + ") from the runtime jar");
            }
        }
        applied.setProperty(b.key(), b.stamp());
    }

    /**
     * Puts the Gogo shell one start level above every other bundle ({@link #SHELL_START_LEVEL}; the
     * runtime's {@code org.osgi.framework.startlevel.beginning} is that level), so that its prompt
     * appears once the platform's bundles are started and SCR has activated their components: with
     * every bundle at one level the shell started among the first, and on a loaded machine typed
     * {@code dwcp:} commands were "not found" for the 25-30 s the rest of the start took. Done on
     * every start, so a storage filled by an earlier runtime gets it too; an operator's own start
     * level (above 1) is left alone.
     */
    private void startShellLast() {
        for (Bundle bundle : context.getBundles()) {
            if (!SHELL.equals(bundle.getSymbolicName())) {
                continue;
            }
            BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
            if (level != null && level.getStartLevel() < SHELL_START_LEVEL) {
                try {
                    level.setStartLevel(SHELL_START_LEVEL);
                } catch (RuntimeException e) {
                    err.accept(PREFIX + "could not give " + SHELL + " start level " + SHELL_START_LEVEL
                            + " (its prompt may come before the other bundles are started): " + e);
                }
            }
        }
    }

    private void install(EmbeddedBundle b) throws BundleException, IOException {
        Bundle bundle;
        try (InputStream in = b.content().open()) {
            bundle = context.installBundle(b.location(), in);
        }
        if (!b.fragment()) {
            // Persistently started: the framework starts it when it reaches the bundle's start level.
            bundle.start();
        }
    }

    private void leftUninstalled(EmbeddedBundle b, Result result) {
        result.leftUninstalled().add(b.toString());
        out.accept(PREFIX + b.key() + " is not installed: it was uninstalled, and stays so (to bring it back: install "
                + b.location() + ")");
    }

    /** @return the installed bundles of {@code b}'s symbolic name (or, for a plain jar, its location) */
    private List<Bundle> installed(EmbeddedBundle b) {
        List<Bundle> found = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() == 0) {
                continue;
            }
            if (b.symbolicName() != null ? b.symbolicName().equals(bundle.getSymbolicName())
                    : b.location().equals(bundle.getLocation())) {
                found.add(bundle);
            }
        }
        return found;
    }

    /** @return the one of that name to keep or update: the same version if installed, else the highest */
    private static Bundle pick(List<Bundle> installed, EmbeddedBundle b) {
        Version version = Version.parseVersion(b.version());
        Optional<Bundle> same = installed.stream().filter(x -> x.getVersion().equals(version)).findFirst();
        return same.orElseGet(() -> installed.stream().max(Comparator.comparing(Bundle::getVersion)).orElseThrow());
    }

    private Properties load() {
        Properties p = new Properties();
        if (Files.isRegularFile(recordFile)) {
            try (InputStream in = Files.newInputStream(recordFile)) {
                p.load(in);
            } catch (IOException e) {
                err.accept(PREFIX + "cannot read " + recordFile + " (" + e + "): bundles are matched by name only");
            }
        }
        return p;
    }

    private void save(Properties applied) {
        try {
            Files.createDirectories(Objects.requireNonNull(recordFile.toAbsolutePath().getParent()));
            Path tmp = recordFile.resolveSibling(recordFile.getFileName() + ".tmp");
            try (OutputStream o = Files.newOutputStream(tmp)) {
                applied.store(o, "bundles of the runtime jar applied to this framework storage: symbolic name = stamp");
            }
            Files.move(tmp, recordFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            err.accept(PREFIX + "cannot write " + recordFile + " (" + e + ")");
        }
    }
}
