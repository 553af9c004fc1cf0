package io.dwcp.resilience.kit;

import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The bounds of a configuration as its bundle's generated Metatype states them: the
 * {@code OSGI-INF/metatype/<id>.xml} bnd writes from an {@code @ObjectClassDefinition} (into
 * {@code target/classes}, so unit tests read the same file as the framework). The
 * {@code @AttributeDefinition}'s {@code min}, {@code max} and {@code options} have class retention:
 * this file is the only place they can be read at run time, and reading it is what lets a component
 * write a bound once, beside the key's description. The file is found through the
 * {@code @interface}'s class loader (in a framework: its bundle), named by the interface (bnd's
 * default id) or by the PID (an {@code id = PID}).
 */
final class Metatype {

    /** One {@code <AD>}: its type (Integer, Long, Double, String, ...), cardinality and limits, as written. */
    record Attribute(String id, String type, int cardinality, String min, String max, List<String> options) {

        /** @return whether {@code value} is one of the options (case-insensitively, {@code -} or {@code _} alike) */
        boolean allows(String value) {
            return options.isEmpty() || options.stream().anyMatch(o -> normal(o).equals(normal(value)));
        }

        private static String normal(String text) {
            return text.trim().replace('-', '_').toLowerCase(Locale.ROOT);
        }
    }

    /** Per {@code @interface}, per resource name: attributes by key (empty when there is no file). */
    private static final ClassValue<Map<String, Map<String, Attribute>>> CACHE = new ClassValue<>() {
        @Override
        protected Map<String, Map<String, Attribute>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private Metatype() {
    }

    /**
     * @param type the configuration's {@code @interface}
     * @param pid  the configuration's PID ({@code dwcp.retry~send} is looked up as {@code dwcp.retry})
     * @return the attributes by key; empty when the bundle carries no Metatype for it
     */
    static Map<String, Attribute> of(Class<?> type, String pid) {
        Map<String, Map<String, Attribute>> files = CACHE.get(type);
        for (String name : new String[] { type.getName(), pid == null ? null : pid.split("~", 2)[0] }) {
            if (name == null) {
                continue;
            }
            Map<String, Attribute> found = files.computeIfAbsent(name, n -> read(type, "OSGI-INF/metatype/" + n + ".xml"));
            if (!found.isEmpty()) {
                return found;
            }
        }
        return Map.of();
    }

    private static Map<String, Attribute> read(Class<?> type, String resource) {
        URL url = type.getClassLoader() == null ? null : type.getClassLoader().getResource(resource);
        if (url == null) {
            return Map.of();
        }
        try (InputStream in = url.openStream()) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            NodeList ads = factory.newDocumentBuilder().parse(in).getElementsByTagName("AD");
            Map<String, Attribute> attributes = new LinkedHashMap<>();
            for (int i = 0; i < ads.getLength(); i++) {
                Element ad = (Element) ads.item(i);
                List<String> options = new ArrayList<>();
                NodeList os = ad.getElementsByTagName("Option");
                for (int j = 0; j < os.getLength(); j++) {
                    options.add(((Element) os.item(j)).getAttribute("value"));
                }
                String cardinality = ad.getAttribute("cardinality");
                attributes.put(ad.getAttribute("id"), new Attribute(ad.getAttribute("id"), ad.getAttribute("type"),
                        cardinality.isEmpty() ? 0 : Integer.parseInt(cardinality), ad.getAttribute("min"),
                        ad.getAttribute("max"), List.copyOf(options)));
            }
            return Map.copyOf(attributes);
        } catch (Exception e) {
            throw new IllegalStateException("unreadable Metatype " + resource + " of " + type.getName() + ": " + e, e);
        }
    }
}
