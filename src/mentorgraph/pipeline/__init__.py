"""The build pipeline: small stages that take and return graphs (load, themes, reason, validate, export,
store), and the orchestrator that runs them into a new generation of the build directory (build).
"""
