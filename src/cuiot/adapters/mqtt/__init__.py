"""MQTT (paho-mqtt 2): the consumer of device messages and the client factory."""
