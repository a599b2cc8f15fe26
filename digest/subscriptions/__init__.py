"""The subscription service: subscribe with confirmation, one-click unsubscribe, bounces."""
