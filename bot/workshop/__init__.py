"""Co-writing workflows: the domain plus storage, the render pool and the LLM, without any Discord object.

The cogs translate Discord events into calls here and render what comes back; every rule about who may do
what, and every multi-step write, lives here so it is tested without Discord.
"""
