package io.dwcp.resilience.health.internal.felix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.health.HealthMonitor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

/**
 * The bundle imports the Felix HC API optionally. This loads the bridge in a class loader that has
 * our classes, the DWCP API and the OSGi APIs but no Felix HC, as a framework without Felix HC
 * would, and activates it: it must load, link and stay idle.
 */
class FelixOptionalTest {

    private static URL where(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    void theBridgeLoadsAndStaysIdleWithoutTheFelixApi() throws Exception {
        URL[] urls = {where(FelixHealthCheckBridge.class), where(HealthMonitor.class), where(BundleContext.class), where(Logger.class)};
        try (URLClassLoader withoutFelix = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> withoutFelix.loadClass(FelixApi.HEALTH_CHECK));
            Class<?> bridgeType = Class.forName(FelixHealthCheckBridge.class.getName(), true, withoutFelix);
            bridgeType.getDeclaredMethods(); // links every signature
            Object bridge = bridgeType.getConstructor().newInstance();

            List<String> logged = new CopyOnWriteArrayList<>();
            Class<?> loggerType = withoutFelix.loadClass(Logger.class.getName());
            Object logger = Proxy.newProxyInstance(withoutFelix, new Class<?>[] {loggerType}, (proxy, method, args) -> {
                logged.add(method.getName() + ": " + args[0]);
                return null;
            });
            Field loggerField = bridgeType.getDeclaredField("logger");
            loggerField.setAccessible(true);
            loggerField.set(bridge, logger);
            Class<?> contextType = withoutFelix.loadClass(BundleContext.class.getName());
            Object context = Proxy.newProxyInstance(withoutFelix, new Class<?>[] {contextType}, (proxy, method, args) -> {
                throw new AssertionError("an idle bridge registers nothing, but called " + method.getName());
            });
            Method activate = bridgeType.getDeclaredMethod("activate", contextType);
            activate.setAccessible(true);
            activate.invoke(bridge, context);

            assertEquals(1, logged.size());
            assertTrue(logged.get(0).startsWith("info: Apache Felix Health Checks API"), logged.get(0));
            Class<?> felixApi = Class.forName(FelixApi.class.getName(), true, withoutFelix);
            Method isWired = felixApi.getDeclaredMethod("isWired", ClassLoader.class);
            isWired.setAccessible(true);
            assertFalse((Boolean) isWired.invoke(null, withoutFelix));
        }
    }

    @Test
    void withTheFelixApiTheBridgeSeesItWired() {
        assertTrue(FelixApi.isWired(getClass().getClassLoader()));
    }
}
