from . import message_clients
