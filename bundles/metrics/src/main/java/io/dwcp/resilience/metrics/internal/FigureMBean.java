package io.dwcp.resilience.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;

/**
 * A read-only MBean whose attributes are the figures of one component for one operation, read live
 * on every access (JConsole and Karaf's JMX show the value in force, not a copy).
 */
final class FigureMBean implements DynamicMBean {

    private final String description;
    private final Supplier<Map<String, Number>> figures;
    private final MBeanInfo info;

    FigureMBean(String description, Supplier<Map<String, Number>> figures) {
        this.description = description;
        this.figures = figures;
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        for (String name : figures.get().keySet()) {
            attributes.add(new MBeanAttributeInfo(name, "double", name, true, false, false));
        }
        this.info = new MBeanInfo(FigureMBean.class.getName(), description, attributes.toArray(new MBeanAttributeInfo[0]), null,
                new MBeanOperationInfo[0], null);
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Number n = figures.get().get(attribute);
        if (n == null) {
            throw new AttributeNotFoundException(description + " has no figure " + attribute + " now");
        }
        return n.doubleValue();
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Number> now = figures.get();
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            Number n = now.get(a);
            if (n != null) {
                list.add(new Attribute(a, n.doubleValue()));
            }
        }
        return list;
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("DWCP figures are read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("DWCP figure MBeans have no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }
}
