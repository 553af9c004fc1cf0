package io.dwcp.resilience.defaults.internal;

import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Stops the framework in order when the JVM is asked to end (SIGTERM, Ctrl-C), so every component
 * deactivates and saves its state (breaker states, budgets, adaptive limits). The bnd launcher of
 * the runtime jar installs no such hook: without it a service manager's SIGTERM would lose the last
 * minutes of budget accounting.
 */
@Component(immediate = true, service = {})
public class GracefulShutdown {

    /** How long the hook waits for the framework to stop before the JVM ends anyway. */
    static final long STOP_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private Thread hook;

    @Activate
    void activate(BundleContext context) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if (!(system instanceof Framework)) {
            logger.warn("the system bundle is not a launchable Framework; SIGTERM will not stop it in order");
            return;
        }
        hook = new Thread(() -> stop((Framework) system, logger), "dwcp-graceful-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Deactivate
    void deactivate() {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shutdownUnderWay) {
                // this very hook is stopping the framework: nothing to remove
            }
        }
    }

    static void stop(Framework framework, Logger logger) {
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
                framework.stop();
            }
            // Wait also when someone else began the stop ('stop 0', or Gogo at the end of its input,
            // which a parent process closing the pipes causes together with SIGTERM): once this hook
            // returns the JVM ends, and components still deactivating would not save their state.
            framework.waitForStop(STOP_TIMEOUT_MILLIS);
        } catch (BundleException | InterruptedException | RuntimeException e) {
            logger.error("the framework did not stop in order on JVM shutdown", e);
        }
    }
}
